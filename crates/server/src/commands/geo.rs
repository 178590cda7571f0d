//! GEOADD, GEOPOS, GEODIST, GEOHASH: positions stored as sorted-set scores.
//!
//! A position is a 52-bit geohash: latitude and longitude are each scaled to 26 bits
//! over their range (longitude -180..180, latitude -85.05112878..85.05112878, the
//! limits of Web Mercator) and interleaved, latitude bits in the even positions. The
//! hash, as a double, is the member's score, so GEOADD is ZADD with computed scores
//! (same options NX/XX/CH, same replies, same WRONGTYPE). Decoding gives the centre of
//! the hash's cell; GEOHASH re-encodes that point over the standard latitude range
//! -90..90 as the usual 11-character base-32 string. Distances use the haversine
//! formula on a sphere of Redis's earth radius.
//!
//! GEOSEARCH, GEOSEARCHSTORE, GEORADIUS[_RO] and GEORADIUSBYMEMBER[_RO] test every
//! member of the set against the shape (a circle by haversine distance, or a box by
//! its north-south and east-west distances) instead of scanning the nine geohash cells
//! around the centre as Redis does: the matches are the same. Unsorted replies list the
//! members of the centre's cell first, then the others, each group in score order;
//! Redis walks the eight neighbour cells one by one, so that order can differ when
//! matches lie in several neighbours.
//!
//! Tests: `redis-tests/geo.txt` (replies recorded from redis-server 7.0.15).

use super::{float_arg, is};
use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

/// Bits per coordinate (Redis's `GEO_STEP_MAX`).
const STEP: u32 = 26;
/// Longitude limits.
const LON_MIN: f64 = -180.0;
const LON_MAX: f64 = 180.0;
/// Latitude limits of stored positions (EPSG:3857).
const LAT_MIN: f64 = -85.051_128_78;
const LAT_MAX: f64 = 85.051_128_78;
/// Latitude limits of the standard geohash alphabet encoding (GEOHASH).
const STD_LAT_MIN: f64 = -90.0;
const STD_LAT_MAX: f64 = 90.0;
/// Earth radius used for distances, meters (Redis's `EARTH_RADIUS_IN_METERS`).
const EARTH_RADIUS_M: f64 = 6_372_797.560_856;
/// Characters of a GEOHASH string.
const GEOHASH_LEN: usize = 11;
const GEOHASH_ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";

/// Spreads the low 32 bits of `v` to the even bit positions.
fn spread(v: u32) -> u64 {
    let mut out = 0u64;
    for i in 0..32 {
        out |= (((v >> i) & 1) as u64) << (2 * i);
    }
    out
}

/// Gathers the even bit positions of `v`.
fn gather(v: u64) -> u32 {
    let mut out = 0u32;
    for i in 0..32 {
        out |= (((v >> (2 * i)) & 1) as u32) << i;
    }
    out
}

/// The 52-bit hash of a point over the given latitude range.
fn encode(lon: f64, lat: f64, lat_min: f64, lat_max: f64) -> u64 {
    let cells = (1u64 << STEP) as f64;
    let lat_off = ((lat - lat_min) / (lat_max - lat_min) * cells) as u32;
    let lon_off = ((lon - LON_MIN) / (LON_MAX - LON_MIN) * cells) as u32;
    spread(lat_off) | (spread(lon_off) << 1)
}

/// The centre of a hash's cell, clamped to the stored limits: (longitude, latitude).
fn decode(hash: u64) -> (f64, f64) {
    let cells = (1u64 << STEP) as f64;
    let ilat = gather(hash) as f64;
    let ilon = gather(hash >> 1) as f64;
    let (lat_scale, lon_scale) = (LAT_MAX - LAT_MIN, LON_MAX - LON_MIN);
    let lat_lo = LAT_MIN + (ilat / cells) * lat_scale;
    let lat_hi = LAT_MIN + ((ilat + 1.0) / cells) * lat_scale;
    let lon_lo = LON_MIN + (ilon / cells) * lon_scale;
    let lon_hi = LON_MIN + ((ilon + 1.0) / cells) * lon_scale;
    let lon = ((lon_lo + lon_hi) / 2.0).clamp(LON_MIN, LON_MAX);
    let lat = ((lat_lo + lat_hi) / 2.0).clamp(LAT_MIN, LAT_MAX);
    (lon, lat)
}

/// Great-circle distance in meters.
fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (lat1r, lat2r) = (lat1.to_radians_c(), lat2.to_radians_c());
    let u = ((lat2r - lat1r) / 2.0).sin();
    let v = ((lon2.to_radians_c() - lon1.to_radians_c()) / 2.0).sin();
    if v == 0.0 {
        // Same meridian: the latitude difference alone.
        return EARTH_RADIUS_M * (lat2r - lat1r).abs();
    }
    2.0 * EARTH_RADIUS_M * (u * u + lat1r.cos() * lat2r.cos() * v * v).sqrt().asin()
}

/// Degrees to radians as `deg * (pi / 180)` (one rounding of the factor, as Redis).
trait ToRadiansC {
    fn to_radians_c(self) -> f64;
}
impl ToRadiansC for f64 {
    fn to_radians_c(self) -> f64 {
        self * (std::f64::consts::PI / 180.0)
    }
}

/// Meters per unit of a GEODIST/GEOSEARCH unit argument.
fn unit_factor(u: &[u8]) -> Result<f64, CmdError> {
    if is(u, "m") {
        Ok(1.0)
    } else if is(u, "km") {
        Ok(1000.0)
    } else if is(u, "ft") {
        Ok(0.3048)
    } else if is(u, "mi") {
        Ok(1609.34)
    } else {
        Err(CmdError::msg(
            "ERR unsupported unit provided. please use M, KM, FT, MI",
        ))
    }
}

/// A coordinate as GEOPOS prints it: 17 decimals, trailing zeros removed.
fn coord_text(v: f64) -> String {
    let s = format!("{v:.17}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

pub fn geoadd(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let (mut nx, mut xx) = (false, false);
    let mut i = 2;
    while i < a.len() {
        let o = a.get(i);
        if is(o, "nx") {
            nx = true;
        } else if is(o, "xx") {
            xx = true;
        } else if !is(o, "ch") {
            break;
        }
        i += 1;
    }
    if (a.len() - i) % 3 != 0 || (nx && xx) {
        return Err(CmdError::Syntax);
    }
    // Rewritten as ZADD key [options] score member ...
    let mut parts: Vec<Vec<u8>> = vec![b"zadd".to_vec(), a.get(1).to_vec()];
    parts.extend((2..i).map(|j| a.get(j).to_vec()));
    while i < a.len() {
        let lon = float_arg(a.get(i))?;
        let lat = float_arg(a.get(i + 1))?;
        if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
            return Err(CmdError::owned(format!(
                "ERR invalid longitude,latitude pair {lon:.6},{lat:.6}"
            )));
        }
        let score = encode(lon, lat, LAT_MIN, LAT_MAX);
        parts.push(score.to_string().into_bytes());
        parts.push(a.get(i + 2).to_vec());
        i += 3;
    }
    let mut base = Vec::new();
    let mut ranges = Vec::new();
    for p in &parts {
        ranges.push((base.len(), base.len() + p.len()));
        base.extend_from_slice(p);
    }
    let zargs = Args::from_parts(&base, &ranges);
    super::zsets::zadd(ctx, &zargs)
}

/// The scores of `members` of the sorted set at `key` (None for missing ones).
fn scores(ctx: &mut Ctx, key: &[u8], members: &[&[u8]]) -> Result<Vec<Option<f64>>, CmdError> {
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    Ok(match ctx.core.ks.zset_ref(db, key, now)? {
        None => vec![None; members.len()],
        Some(z) => members.iter().map(|m| z.score(m)).collect(),
    })
}

pub fn geopos(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let members: Vec<&[u8]> = (2..a.len()).map(|i| a.get(i)).collect();
    let found = scores(ctx, a.get(1), &members)?;
    let out = &mut ctx.client.out;
    out.array(found.len());
    for s in found {
        match s {
            None => out.null_array(),
            Some(score) => {
                let (lon, lat) = decode(score as u64);
                out.array(2);
                out.bulk(coord_text(lon).as_bytes());
                out.bulk(coord_text(lat).as_bytes());
            }
        }
    }
    Ok(())
}

pub fn geodist(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let factor = match a.len() {
        4 => 1.0,
        5 => unit_factor(a.get(4))?,
        _ => return Err(CmdError::Syntax),
    };
    let found = scores(ctx, a.get(1), &[a.get(2), a.get(3)])?;
    match (found[0], found[1]) {
        (Some(s1), Some(s2)) => {
            let (lon1, lat1) = decode(s1 as u64);
            let (lon2, lat2) = decode(s2 as u64);
            let d = distance(lon1, lat1, lon2, lat2) / factor;
            ctx.client.out.bulk(format!("{d:.4}").as_bytes());
        }
        _ => ctx.client.out.null(),
    }
    Ok(())
}

pub fn geohash(ctx: &mut Ctx, a: &Args) -> CmdResult {
    let members: Vec<&[u8]> = (2..a.len()).map(|i| a.get(i)).collect();
    let found = scores(ctx, a.get(1), &members)?;
    let out = &mut ctx.client.out;
    out.array(found.len());
    for s in found {
        match s {
            None => out.null(),
            Some(score) => {
                let (lon, lat) = decode(score as u64);
                let h = encode(lon, lat, STD_LAT_MIN, STD_LAT_MAX);
                let text: Vec<u8> = (0..GEOHASH_LEN)
                    .map(|i| {
                        // 52 bits make ten and a half characters; the last is 0.
                        let idx = if i == GEOHASH_LEN - 1 {
                            0
                        } else {
                            (h >> (52 - (i + 1) * 5)) & 0x1F
                        };
                        GEOHASH_ALPHABET[idx as usize]
                    })
                    .collect();
                out.bulk(&text);
            }
        }
    }
    Ok(())
}

/// The search area.
#[derive(Clone, Copy)]
enum Shape {
    /// Radius in meters.
    Radius(f64),
    /// Width and height in meters.
    Box(f64, f64),
}

/// A parsed search: centre, shape, unit, options.
struct Search {
    center: Center,
    shape: Shape,
    /// Meters per unit of the reply (and of STOREDIST scores).
    unit: f64,
    with_dist: bool,
    with_hash: bool,
    with_coord: bool,
    count: Option<usize>,
    any: bool,
    /// `Some(true)` ascending, `Some(false)` descending.
    sort: Option<bool>,
    store: Option<Vec<u8>>,
    store_dist: bool,
}

enum Center {
    Point(f64, f64),
    Member(Vec<u8>),
}

/// Which command is parsing (their option sets differ).
#[derive(Clone, Copy, PartialEq)]
enum Form {
    Radius { by_member: bool, read_only: bool },
    Search { store: bool },
}

fn checked_point(lon: f64, lat: f64) -> Result<(f64, f64), CmdError> {
    if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return Err(CmdError::owned(format!(
            "ERR invalid longitude,latitude pair {lon:.6},{lat:.6}"
        )));
    }
    Ok((lon, lat))
}

fn parse_search(a: &Args, form: Form) -> Result<Search, CmdError> {
    let mut s = Search {
        center: Center::Point(0.0, 0.0),
        shape: Shape::Radius(0.0),
        unit: 1.0,
        with_dist: false,
        with_hash: false,
        with_coord: false,
        count: None,
        any: false,
        sort: None,
        store: None,
        store_dist: false,
    };
    let mut i;
    let name = match form {
        Form::Radius { by_member, .. } => {
            // GEORADIUS key lon lat radius unit / GEORADIUSBYMEMBER key member radius unit
            let at = if by_member {
                s.center = Center::Member(a.get(2).to_vec());
                3
            } else {
                let lon = float_arg(a.get(2))?;
                let lat = float_arg(a.get(3))?;
                let (lon, lat) = checked_point(lon, lat)?;
                s.center = Center::Point(lon, lat);
                4
            };
            let r = float_arg(a.get(at)).map_err(|_| CmdError::msg("ERR need numeric radius"))?;
            if r < 0.0 {
                return Err(CmdError::msg("ERR radius cannot be negative"));
            }
            s.unit = unit_factor(a.get(at + 1))?;
            s.shape = Shape::Radius(r * s.unit);
            i = at + 2;
            "GEORADIUS"
        }
        Form::Search { store } => {
            i = if store { 3 } else { 2 };
            if store {
                s.store = Some(a.get(1).to_vec());
            }
            if store {
                "GEOSEARCHSTORE"
            } else {
                "GEOSEARCH"
            }
        }
    };
    let (mut from_set, mut by_set) = (false, false);
    while i < a.len() {
        let o = a.get(i);
        let left = a.len() - i - 1;
        let search = matches!(form, Form::Search { .. });
        if is(o, "withdist") {
            s.with_dist = true;
        } else if is(o, "withhash") {
            s.with_hash = true;
        } else if is(o, "withcoord") {
            s.with_coord = true;
        } else if is(o, "any") {
            s.any = true;
        } else if is(o, "asc") {
            s.sort = Some(true);
        } else if is(o, "desc") {
            s.sort = Some(false);
        } else if is(o, "count") && left >= 1 {
            let n = super::int_arg(a.get(i + 1))?;
            if n <= 0 {
                return Err(CmdError::msg("ERR COUNT must be > 0"));
            }
            s.count = Some(n as usize);
            i += 1;
        } else if (is(o, "store") || is(o, "storedist"))
            && left >= 1
            && matches!(
                form,
                Form::Radius {
                    read_only: false,
                    ..
                }
            )
        {
            s.store_dist = is(o, "storedist");
            s.store = Some(a.get(i + 1).to_vec());
            i += 1;
        } else if is(o, "storedist") && form == (Form::Search { store: true }) {
            s.store_dist = true;
        } else if search && is(o, "frommember") && left >= 1 && !from_set {
            s.center = Center::Member(a.get(i + 1).to_vec());
            from_set = true;
            i += 1;
        } else if search && is(o, "fromlonlat") && left >= 2 && !from_set {
            let lon = float_arg(a.get(i + 1))?;
            let lat = float_arg(a.get(i + 2))?;
            let (lon, lat) = checked_point(lon, lat)?;
            s.center = Center::Point(lon, lat);
            from_set = true;
            i += 2;
        } else if search && is(o, "byradius") && left >= 2 && !by_set {
            let r =
                float_arg(a.get(i + 1)).map_err(|_| CmdError::msg("ERR need numeric radius"))?;
            if r < 0.0 {
                return Err(CmdError::msg("ERR radius cannot be negative"));
            }
            s.unit = unit_factor(a.get(i + 2))?;
            s.shape = Shape::Radius(r * s.unit);
            by_set = true;
            i += 2;
        } else if search && is(o, "bybox") && left >= 3 && !by_set {
            let w = float_arg(a.get(i + 1)).map_err(|_| CmdError::msg("ERR need numeric width"))?;
            let h =
                float_arg(a.get(i + 2)).map_err(|_| CmdError::msg("ERR need numeric height"))?;
            if w < 0.0 || h < 0.0 {
                return Err(CmdError::msg("ERR height or width cannot be negative"));
            }
            s.unit = unit_factor(a.get(i + 3))?;
            s.shape = Shape::Box(w * s.unit, h * s.unit);
            by_set = true;
            i += 3;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if matches!(form, Form::Search { .. }) {
        if !from_set {
            return Err(CmdError::owned(format!(
                "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
            )));
        }
        if !by_set {
            return Err(CmdError::owned(format!(
                "ERR exactly one of BYRADIUS and BYBOX can be specified for {name}"
            )));
        }
    }
    if s.store.is_some() && (s.with_dist || s.with_hash || s.with_coord) {
        return Err(CmdError::owned(if name == "GEORADIUS" {
            "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options".to_string()
        } else {
            format!("ERR {name} is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
        }));
    }
    if s.any && s.count.is_none() {
        return Err(CmdError::msg(
            "ERR the ANY argument requires COUNT argument",
        ));
    }
    // A COUNT without ANY returns the nearest ones.
    if s.count.is_some() && !s.any && s.sort.is_none() {
        s.sort = Some(true);
    }
    Ok(s)
}

/// Distance from the centre if the point lies in the shape.
fn in_shape(shape: Shape, clon: f64, clat: f64, lon: f64, lat: f64) -> Option<f64> {
    match shape {
        Shape::Radius(r) => {
            let d = distance(clon, clat, lon, lat);
            (d <= r).then_some(d)
        }
        Shape::Box(w, h) => {
            let lat_d = EARTH_RADIUS_M * (lat.to_radians_c() - clat.to_radians_c()).abs();
            if lat_d > h / 2.0 {
                return None;
            }
            let lon_d = distance(clon, lat, lon, lat);
            if lon_d > w / 2.0 {
                return None;
            }
            Some(distance(clon, clat, lon, lat))
        }
    }
}

/// Half the earth's circumference in Web Mercator meters (Redis's `MERCATOR_MAX`).
const MERCATOR_MAX: f64 = 20_037_726.37;

/// Bits per coordinate of the cells a search of this size walks: the coarsest step
/// whose cell still spans the radius, one or two steps coarser near the poles.
fn search_step(shape: Shape, lat: f64) -> u32 {
    let mut range = match shape {
        Shape::Radius(r) => r,
        Shape::Box(w, h) => (w / 2.0).hypot(h / 2.0),
    };
    if range == 0.0 {
        return STEP;
    }
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, STEP as i32) as u32
}

/// A match: member, distance (meters), score.
type Hit = (Vec<u8>, f64, f64);

fn run_search(ctx: &mut Ctx, a: &Args, form: Form) -> CmdResult {
    let s = parse_search(a, form)?;
    let src = match form {
        Form::Search { store: true } => a.get(2),
        _ => a.get(1),
    };
    let (db, now) = (ctx.client.db, ctx.core.cmd_time_ms);
    let mut hits: Vec<Hit> = Vec::new();
    let mut center = None;
    if let Some(z) = ctx.core.ks.zset_ref(db, src, now)? {
        {
            let (clon, clat) = match &s.center {
                Center::Point(lon, lat) => (*lon, *lat),
                Center::Member(m) => match z.score(m) {
                    Some(score) => decode(score as u64),
                    None => {
                        return Err(CmdError::msg("ERR could not decode requested zset member"))
                    }
                },
            };
            center = Some((clon, clat));
            for (score, m) in z.iter() {
                let (lon, lat) = decode(*score as u64);
                if let Some(d) = in_shape(s.shape, clon, clat, lon, lat) {
                    hits.push((m.as_bytes().to_vec(), d, *score));
                    if s.any && Some(hits.len()) == s.count {
                        break;
                    }
                }
            }
        }
    }
    if s.sort.is_none() {
        // Redis walks the centre's geohash cell before its neighbours: members in
        // the centre cell come first (each group in score order).
        if let Some((clon, clat)) = center {
            let step = search_step(s.shape, clat);
            let shift = 52 - 2 * step;
            let cell = encode(clon, clat, LAT_MIN, LAT_MAX) >> shift;
            hits.sort_by_key(|h| ((h.2 as u64) >> shift) != cell);
        }
    }
    match s.sort {
        Some(true) => hits.sort_by(|x, y| x.1.total_cmp(&y.1)),
        Some(false) => hits.sort_by(|x, y| y.1.total_cmp(&x.1)),
        None => {}
    }
    if let Some(c) = s.count {
        hits.truncate(c);
    }
    if let Some(dst) = s.store {
        let n = hits.len();
        if n == 0 {
            if ctx.core.ks.delete(db, &dst) {
                ctx.core.dirty += 1;
            }
        } else {
            let mut z = crate::types::ZSet::with_expected(
                n,
                hits.iter().map(|h| h.0.len()).max().unwrap_or(0),
            );
            for (m, d, score) in &hits {
                z.insert(m, if s.store_dist { d / s.unit } else { *score });
            }
            ctx.core
                .ks
                .set(db, &dst, crate::db::Value::ZSet(Box::new(z)), false);
            ctx.core.dirty += n as u64;
        }
        ctx.client.out.int(n as i64);
        return Ok(());
    }
    let out = &mut ctx.client.out;
    out.array(hits.len());
    let extra = s.with_dist as usize + s.with_hash as usize + s.with_coord as usize;
    for (m, d, score) in &hits {
        if extra == 0 {
            out.bulk(m);
            continue;
        }
        out.array(1 + extra);
        out.bulk(m);
        if s.with_dist {
            out.bulk(format!("{:.4}", d / s.unit).as_bytes());
        }
        if s.with_hash {
            out.int(*score as i64);
        }
        if s.with_coord {
            let (lon, lat) = decode(*score as u64);
            out.array(2);
            out.bulk(coord_text(lon).as_bytes());
            out.bulk(coord_text(lat).as_bytes());
        }
    }
    Ok(())
}

pub fn georadius(ctx: &mut Ctx, a: &Args) -> CmdResult {
    run_search(
        ctx,
        a,
        Form::Radius {
            by_member: false,
            read_only: false,
        },
    )
}

pub fn georadius_ro(ctx: &mut Ctx, a: &Args) -> CmdResult {
    run_search(
        ctx,
        a,
        Form::Radius {
            by_member: false,
            read_only: true,
        },
    )
}

pub fn georadiusbymember(ctx: &mut Ctx, a: &Args) -> CmdResult {
    run_search(
        ctx,
        a,
        Form::Radius {
            by_member: true,
            read_only: false,
        },
    )
}

pub fn georadiusbymember_ro(ctx: &mut Ctx, a: &Args) -> CmdResult {
    run_search(
        ctx,
        a,
        Form::Radius {
            by_member: true,
            read_only: true,
        },
    )
}

pub fn geosearch(ctx: &mut Ctx, a: &Args) -> CmdResult {
    run_search(ctx, a, Form::Search { store: false })
}

pub fn geosearchstore(ctx: &mut Ctx, a: &Args) -> CmdResult {
    run_search(ctx, a, Form::Search { store: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palermo() {
        // `GEOADD g 13.361389 38.115556 Palermo` then `ZSCORE` on redis-server 7.0.15.
        let h = encode(13.361389, 38.115556, LAT_MIN, LAT_MAX);
        assert_eq!(h, 3_479_099_956_230_698);
        let (lon, lat) = decode(h);
        assert_eq!(coord_text(lon), "13.36138933897018433");
        assert_eq!(coord_text(lat), "38.11555639549629859");
    }
}
