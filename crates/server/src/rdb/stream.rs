//! Streams in RDB form (`STREAM_LISTPACKS_2`, type 19, what Redis 7.0 writes; type 15 of
//! Redis 5–6.2 is read too):
//!
//! ```text
//! stream   := len(nodes) (string(master-id: ms u64 BE, seq u64 BE) string(listpack))*
//!             len(length) len(last.ms) len(last.seq)
//!             [len(first.ms) len(first.seq) len(maxdel.ms) len(maxdel.seq) len(added)]  (v2)
//!             len(groups) group*
//! group    := string(name) len(last.ms) len(last.seq) [len(entries-read)]             (v2)
//!             len(pel) (id16 time-ms-u64-LE len(delivery-count))*
//!             len(consumers) (string(name) seen-ms-u64-LE len(n) id16*)*
//! listpack := count deleted n-master-fields master-field* 0
//!             (flags ms-diff seq-diff [n-fields field value ...| value ...] lp-count)*
//! ```
//!
//! An entry whose fields are the node's master fields is written with the `SAMEFIELDS`
//! flag and only its values. This server does not keep deleted entries, so the nodes it
//! writes hold live entries only (`deleted` 0), and the master fields are those of the
//! node's first live entry; reading skips entries flagged deleted.

use super::listpack::{self, Elem};
use super::{write_str, DumpOptions};
use crate::scripting::function_dump::{write_len, DumpError, Reader};
use crate::sds::Sds;
use crate::types::stream::{Consumer, Group, PendingEntry, Stream, StreamId};

pub(crate) const T_STREAM_LISTPACKS: u8 = 15;
pub(crate) const T_STREAM_LISTPACKS_2: u8 = 19;

// Entry flags (STREAM_ITEM_FLAG_* in Redis).
const FLAG_DELETED: i64 = 1;
const FLAG_SAMEFIELDS: i64 = 2;

fn id16(id: StreamId) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&id.ms.to_be_bytes());
    b[8..].copy_from_slice(&id.seq.to_be_bytes());
    b
}

fn id_from16(b: &[u8]) -> Option<StreamId> {
    if b.len() != 16 {
        return None;
    }
    Some(StreamId::new(
        u64::from_be_bytes(b[..8].try_into().ok()?),
        u64::from_be_bytes(b[8..].try_into().ok()?),
    ))
}

fn len_u64(out: &mut Vec<u8>, n: u64) {
    write_len(out, n as usize);
}

/// Appends a stream's body (after its type byte).
pub(crate) fn write(out: &mut Vec<u8>, s: &Stream, opt: DumpOptions) {
    let starts: Vec<StreamId> = s.node_starts().copied().collect();
    let mut nodes: Vec<(StreamId, Vec<u8>)> = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = match starts.get(i + 1) {
            Some(next) => match next.prev() {
                Some(p) => p,
                None => continue,
            },
            None => StreamId::MAX,
        };
        let entries: Vec<(&StreamId, &[Sds])> = s.range(start, end, false).collect();
        if entries.is_empty() {
            continue;
        }
        nodes.push((start, node_listpack(start, &entries)));
    }
    write_len(out, nodes.len());
    for (start, lp) in &nodes {
        write_str(out, &id16(*start), opt);
        write_str(out, lp, opt);
    }
    len_u64(out, s.len() as u64);
    len_u64(out, s.last_id.ms);
    len_u64(out, s.last_id.seq);
    let first = s.first_id();
    len_u64(out, first.ms);
    len_u64(out, first.seq);
    len_u64(out, s.max_deleted_id.ms);
    len_u64(out, s.max_deleted_id.seq);
    len_u64(out, s.entries_added);
    write_len(out, s.groups.len());
    for (name, g) in &s.groups {
        write_str(out, name, opt);
        len_u64(out, g.last_id.ms);
        len_u64(out, g.last_id.seq);
        // -1 ("unknown") is written as the 64-bit two's complement, as Redis does.
        len_u64(out, g.entries_read as u64);
        write_len(out, g.pel.len());
        for (id, pe) in &g.pel {
            out.extend_from_slice(&id16(*id));
            out.extend_from_slice(&pe.delivery_time.to_le_bytes());
            len_u64(out, pe.delivery_count);
        }
        write_len(out, g.consumers.len());
        for (cname, c) in &g.consumers {
            write_str(out, cname, opt);
            out.extend_from_slice(&c.seen_time.to_le_bytes());
            write_len(out, c.pel.len());
            for id in &c.pel {
                out.extend_from_slice(&id16(*id));
            }
        }
    }
}

fn node_listpack(master: StreamId, entries: &[(&StreamId, &[Sds])]) -> Vec<u8> {
    let mut w = listpack::Writer::new();
    let int = |w: &mut listpack::Writer, n: i64| w.push(n.to_string().as_bytes());
    let master_fields: Vec<&Sds> = entries[0].1.iter().step_by(2).collect();
    int(&mut w, entries.len() as i64);
    int(&mut w, 0);
    int(&mut w, master_fields.len() as i64);
    for f in &master_fields {
        w.push(f.as_bytes());
    }
    int(&mut w, 0);
    for (id, fv) in entries {
        let n = fv.len() / 2;
        let same = n == master_fields.len()
            && fv
                .iter()
                .step_by(2)
                .zip(&master_fields)
                .all(|(a, b)| a.as_bytes() == b.as_bytes());
        int(&mut w, if same { FLAG_SAMEFIELDS } else { 0 });
        int(&mut w, id.ms.wrapping_sub(master.ms) as i64);
        int(&mut w, id.seq.wrapping_sub(master.seq) as i64);
        if same {
            for v in fv.iter().skip(1).step_by(2) {
                w.push(v.as_bytes());
            }
            int(&mut w, n as i64 + 3);
        } else {
            int(&mut w, n as i64);
            for x in fv.iter() {
                w.push(x.as_bytes());
            }
            int(&mut w, 2 * n as i64 + 4);
        }
    }
    w.finish()
}

/// Any inconsistency in a stream body.
pub(crate) struct Bad;

impl From<DumpError> for Bad {
    fn from(_: DumpError) -> Bad {
        Bad
    }
}

fn read_u64(r: &mut Reader) -> Result<u64, Bad> {
    Ok(r.plain_len()? as u64)
}

fn read_ms(r: &mut Reader) -> Result<i64, Bad> {
    let b = r.take(8)?;
    Ok(i64::from_le_bytes(b.try_into().map_err(|_| Bad)?))
}

fn read_id16(r: &mut Reader) -> Result<StreamId, Bad> {
    id_from16(r.take(16)?).ok_or(Bad)
}

fn int_of(e: &Elem) -> Result<i64, Bad> {
    match e {
        Elem::Int(n) => Ok(*n),
        Elem::Str(s) => std::str::from_utf8(s)
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or(Bad),
    }
}

fn sds_of(e: Elem) -> Sds {
    Sds::new(&e.into_bytes())
}

/// Reads a stream body of type `t` (15 or 19).
pub(crate) fn read(r: &mut Reader, t: u8) -> Result<Stream, Bad> {
    let mut s = Stream::new();
    let nodes = r.plain_len()?;
    let mut prev_master: Option<StreamId> = None;
    for _ in 0..nodes {
        let master = id_from16(&r.string()?).ok_or(Bad)?;
        if prev_master.is_some_and(|p| p >= master) {
            return Err(Bad);
        }
        prev_master = Some(master);
        let lp = r.string()?;
        let elems = listpack::decode(&lp).ok_or(Bad)?;
        let (live, deleted) = parse_node(master, elems)?;
        if live.is_empty() && deleted == 0 {
            // Redis never writes an empty node.
            return Err(Bad);
        }
        s.load_node(master, live, deleted).map_err(|_| Bad)?;
    }
    let length = read_u64(r)?;
    if length != s.len() as u64 {
        return Err(Bad);
    }
    s.last_id = StreamId::new(read_u64(r)?, read_u64(r)?);
    if s.last_entry().is_some_and(|(id, _)| *id > s.last_id) {
        return Err(Bad);
    }
    if t == T_STREAM_LISTPACKS_2 {
        let _first = StreamId::new(read_u64(r)?, read_u64(r)?);
        s.max_deleted_id = StreamId::new(read_u64(r)?, read_u64(r)?);
        s.entries_added = read_u64(r)?;
    } else {
        s.entries_added = length;
    }
    let groups = r.plain_len()?;
    for _ in 0..groups {
        let name = r.string()?;
        let last = StreamId::new(read_u64(r)?, read_u64(r)?);
        let entries_read = if t == T_STREAM_LISTPACKS_2 {
            read_u64(r)? as i64
        } else {
            // Files before 7.0 carry no read counter: derive it from the group's last ID,
            // as Redis does when loading them.
            s.entries_read_at(last)
        };
        let mut g = Group::new(last, entries_read);
        let pel = r.plain_len()?;
        for _ in 0..pel {
            let id = read_id16(r)?;
            let delivery_time = read_ms(r)?;
            let delivery_count = read_u64(r)?;
            g.pel.insert(
                id,
                PendingEntry {
                    delivery_time,
                    delivery_count,
                    consumer: Vec::new(),
                },
            );
        }
        let consumers = r.plain_len()?;
        for _ in 0..consumers {
            let cname = r.string()?;
            let seen_time = read_ms(r)?;
            let mut c = Consumer {
                seen_time,
                ..Consumer::default()
            };
            let n = r.plain_len()?;
            for _ in 0..n {
                let id = read_id16(r)?;
                // Every consumer PEL entry must be in the group's PEL, owned once.
                let pe = g.pel.get_mut(&id).ok_or(Bad)?;
                if !pe.consumer.is_empty() {
                    return Err(Bad);
                }
                pe.consumer = cname.clone();
                c.pel.insert(id);
            }
            if g.consumers.insert(cname, c).is_some() {
                return Err(Bad);
            }
        }
        // A group PEL entry nobody owns is inconsistent.
        if g.pel.values().any(|pe| pe.consumer.is_empty()) {
            return Err(Bad);
        }
        if s.groups.insert(name, g).is_some() {
            return Err(Bad);
        }
    }
    Ok(s)
}

type Entries = Vec<(StreamId, Box<[Sds]>)>;

/// Decodes one node's listpack into its live entries and the number of deleted ones.
fn parse_node(master: StreamId, elems: Vec<Elem>) -> Result<(Entries, u64), Bad> {
    let mut it = elems.into_iter();
    let mut next = || it.next().ok_or(Bad);
    let count = int_of(&next()?)?;
    let deleted = int_of(&next()?)?;
    let nmaster = int_of(&next()?)?;
    if count < 0 || deleted < 0 || !(0..=1 << 20).contains(&nmaster) {
        return Err(Bad);
    }
    let mut master_fields = Vec::with_capacity(nmaster as usize);
    for _ in 0..nmaster {
        master_fields.push(sds_of(next()?));
    }
    if int_of(&next()?)? != 0 {
        return Err(Bad);
    }
    let mut live = Vec::new();
    let mut dead = 0u64;
    let mut prev: Option<StreamId> = None;
    for _ in 0..(count + deleted) {
        let flags = int_of(&next()?)?;
        let ms = master.ms.wrapping_add(int_of(&next()?)? as u64);
        let seq = master.seq.wrapping_add(int_of(&next()?)? as u64);
        let id = StreamId::new(ms, seq);
        if prev.is_some_and(|p| p >= id) || id < master {
            return Err(Bad);
        }
        prev = Some(id);
        let mut fv: Vec<Sds> = Vec::new();
        if flags & FLAG_SAMEFIELDS != 0 {
            for f in &master_fields {
                fv.push(f.clone());
                fv.push(sds_of(next()?));
            }
        } else {
            let n = int_of(&next()?)?;
            if !(0..=1 << 20).contains(&n) {
                return Err(Bad);
            }
            for _ in 0..2 * n {
                fv.push(sds_of(next()?));
            }
        }
        let _lp_count = next()?;
        if flags & FLAG_DELETED != 0 {
            dead += 1;
        } else {
            live.push((id, fv.into_boxed_slice()));
        }
    }
    if live.len() as i64 != count || dead as i64 != deleted || next().is_ok() {
        return Err(Bad);
    }
    Ok((live, dead))
}
