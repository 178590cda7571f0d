//! `cjson.decode`: JSON text to Lua values as lua-cjson 2.1.0 reads it.
//!
//! A tokenizer reads one token at a time (structural characters, strings with their
//! escapes decoded, numbers through `strtod`, `true`/`false`/`null`), and an iterative
//! parser keeps the open arrays and objects on an explicit stack, so nesting never grows
//! the Rust stack. Open tables and pending object keys are also pushed on the Lua stack
//! while they are built, which keeps them alive should a hook run the collector.
//!
//! Errors have lua-cjson's form `Expected <what> but found <token> at character <n>`
//! (tokens named `T_OBJ_BEGIN`, ..., or the tokenizer's message such as `invalid token`),
//! `Found too many nested data structures (<depth>) at character <n>`, and
//! `JSON parser does not support UTF-16 or UTF-32` when one of the first two bytes is
//! zero. A zero byte elsewhere ends the text, as it ends the C string.

use super::{strtod, Cfg, Config, NULL};
use crate::CStackModel;
use lua51::table::TableRef;
use lua51::{Lua, LuaResult, Value};

/// Slots lua-cjson checks for when it opens an array (`json_decode_descend(l, json, 2)`).
const ARRAY_DESCEND_SLOTS: usize = 2;
/// Slots checked when it opens an object (`json_decode_descend(l, json, 3)`).
const OBJECT_DESCEND_SLOTS: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str,
    Num(f64),
    Bool(bool),
    Null,
    Colon,
    Comma,
    End,
    Error(&'static str),
}

impl Kind {
    /// How an error message names the token found.
    fn name(self) -> &'static str {
        match self {
            Kind::ObjBegin => "T_OBJ_BEGIN",
            Kind::ObjEnd => "T_OBJ_END",
            Kind::ArrBegin => "T_ARR_BEGIN",
            Kind::ArrEnd => "T_ARR_END",
            Kind::Str => "T_STRING",
            Kind::Num(_) => "T_NUMBER",
            Kind::Bool(_) => "T_BOOLEAN",
            Kind::Null => "T_NULL",
            Kind::Colon => "T_COLON",
            Kind::Comma => "T_COMMA",
            Kind::End => "T_END",
            Kind::Error(msg) => msg,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    /// 0-based offset of the token (or of the error inside it).
    index: usize,
}

/// An open container.
enum Open {
    Array {
        t: TableRef,
        n: i64,
    },
    /// `key` is the pending key (also on the Lua stack) while its value is parsed.
    Object {
        t: TableRef,
        key: Value,
    },
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    cfg: Config,
    /// Decoded bytes of the last string token.
    buf: Vec<u8>,
    open: Vec<Open>,
    cstack: CStackModel,
}

pub(super) fn decode(l: &mut Lua, cfg: &Cfg) -> LuaResult<usize> {
    if l.nargs() != 1 {
        return Err(l.arg_error(1, "expected 1 argument"));
    }
    let text = l.check_str(1)?;
    let s = text.as_bytes();
    if s.len() >= 2 && (s[0] == 0 || s[1] == 0) {
        return Err(l.error("JSON parser does not support UTF-16 or UTF-32"));
    }
    let mut p = Parser {
        s,
        pos: 0,
        cfg: cfg.borrow().clone(),
        buf: Vec::new(),
        open: Vec::new(),
        cstack: CStackModel::new(1),
    };
    p.parse(l)?;
    Ok(1)
}

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

fn hex4(s: &[u8], i: usize) -> Option<u32> {
    let mut v = 0;
    for k in 0..4 {
        let d = (at(s, i + k) as char).to_digit(16)?;
        v = (v << 4) | d;
    }
    Some(v)
}

/// Appends the UTF-8 encoding of `cp` (< 0x110000).
fn push_utf8(cp: u32, out: &mut Vec<u8>) {
    if cp < 0x80 {
        out.push(cp as u8);
    } else if cp < 0x800 {
        out.extend_from_slice(&[0xc0 | (cp >> 6) as u8, 0x80 | (cp & 0x3f) as u8]);
    } else if cp < 0x10000 {
        out.extend_from_slice(&[
            0xe0 | (cp >> 12) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xf0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3f) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]);
    }
}

impl<'a> Parser<'a> {
    /// lua-cjson's `json_is_invalid_number`: forms `strtod` takes that JSON does not
    /// (leading `+`, hex, leading zeros, inf, nan).
    fn is_invalid_number(&self) -> bool {
        let mut p = self.pos;
        let c = at(self.s, p);
        if c == b'+' {
            return true;
        }
        if c == b'-' {
            p += 1;
        }
        let c = at(self.s, p);
        if c == b'0' {
            let c2 = at(self.s, p + 1);
            return (c2 | 0x20) == b'x' || c2.is_ascii_digit();
        }
        if c <= b'9' {
            return false;
        }
        let rest = &self.s[p.min(self.s.len())..];
        let word = |w: &[u8]| rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(w);
        word(b"inf") || word(b"nan")
    }

    fn number_token(&mut self) -> Token {
        let index = self.pos;
        match strtod::strtod(&self.s[self.pos..]) {
            Some((v, n)) => {
                self.pos += n;
                Token {
                    kind: Kind::Num(v),
                    index,
                }
            }
            None => Token {
                kind: Kind::Error("invalid number"),
                index,
            },
        }
    }

    fn next_token(&mut self, l: &mut Lua) -> LuaResult<Token> {
        l.charge(1)?;
        while matches!(at(self.s, self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let index = self.pos;
        let c = at(self.s, self.pos);
        let simple = |kind| Token { kind, index };
        let kind = match c {
            b'{' => Kind::ObjBegin,
            b'}' => Kind::ObjEnd,
            b'[' => Kind::ArrBegin,
            b']' => Kind::ArrEnd,
            b':' => Kind::Colon,
            b',' => Kind::Comma,
            0 => return Ok(simple(Kind::End)),
            b'"' => return self.string_token(l),
            b'-' | b'0'..=b'9' => {
                if !self.cfg.decode_invalid_numbers && self.is_invalid_number() {
                    return Ok(simple(Kind::Error("invalid number")));
                }
                return Ok(self.number_token());
            }
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'+' => {
                let rest = &self.s[self.pos..];
                for (word, kind) in [
                    (&b"true"[..], Kind::Bool(true)),
                    (b"false", Kind::Bool(false)),
                    (b"null", Kind::Null),
                ] {
                    if rest.starts_with(word) {
                        self.pos += word.len();
                        return Ok(simple(kind));
                    }
                }
                if self.cfg.decode_invalid_numbers && self.is_invalid_number() {
                    return Ok(self.number_token());
                }
                return Ok(simple(Kind::Error("invalid token")));
            }
            _ => return Ok(simple(Kind::Error("invalid token"))),
        };
        self.pos += 1;
        Ok(simple(kind))
    }

    /// A string token; its bytes are left in `self.buf`.
    fn string_token(&mut self, l: &mut Lua) -> LuaResult<Token> {
        let index = self.pos;
        self.pos += 1;
        self.buf.clear();
        let s = self.s;
        loop {
            // Copy the run of plain bytes at once.
            let run = s[self.pos.min(s.len())..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c == 0)
                .unwrap_or(s.len() - self.pos.min(s.len()));
            self.buf.extend_from_slice(&s[self.pos..self.pos + run]);
            self.pos += run;
            let c = at(s, self.pos);
            if c == b'"' {
                break;
            }
            if c == 0 {
                return Ok(Token {
                    kind: Kind::Error("unexpected end of string"),
                    index: self.pos,
                });
            }
            // A backslash escape.
            let e = at(s, self.pos + 1);
            let out = match e {
                b'"' | b'\\' | b'/' => e,
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    if !self.unicode_escape() {
                        return Ok(Token {
                            kind: Kind::Error("invalid unicode escape code"),
                            index: self.pos,
                        });
                    }
                    continue;
                }
                _ => {
                    return Ok(Token {
                        kind: Kind::Error("invalid escape code"),
                        index: self.pos,
                    })
                }
            };
            self.buf.push(out);
            self.pos += 2;
        }
        self.pos += 1;
        l.charge((self.pos - index) as i64 / 64)?;
        Ok(Token {
            kind: Kind::Str,
            index,
        })
    }

    /// `\uXXXX` (or a surrogate pair `\uD8xx\uDCxx`) at `self.pos`, appended as UTF-8.
    fn unicode_escape(&mut self) -> bool {
        let Some(mut cp) = hex4(self.s, self.pos + 2) else {
            return false;
        };
        let mut len = 6;
        if cp & 0xf800 == 0xd800 {
            if cp & 0x400 != 0 {
                return false;
            }
            if at(self.s, self.pos + 6) != b'\\' || at(self.s, self.pos + 7) != b'u' {
                return false;
            }
            let Some(low) = hex4(self.s, self.pos + 8) else {
                return false;
            };
            if low & 0xfc00 != 0xdc00 {
                return false;
            }
            cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
            len = 12;
        }
        push_utf8(cp, &mut self.buf);
        self.pos += len;
        true
    }

    fn parse_error(&self, l: &mut Lua, expected: &str, tok: Token) -> lua51::LuaError {
        let msg = format!(
            "Expected {} but found {} at character {}",
            expected,
            tok.kind.name(),
            tok.index + 1
        );
        l.error(msg)
    }

    /// `json_decode_descend`: one level deeper, if the depth limit and the C stack allow.
    fn descend(&mut self, l: &mut Lua, slots: usize) -> LuaResult<()> {
        let depth = self.open.len() + 1;
        if depth > self.cfg.decode_max_depth as usize || !self.cstack.check(slots) {
            let msg = format!(
                "Found too many nested data structures ({}) at character {}",
                depth, self.pos
            );
            return Err(l.error(msg));
        }
        Ok(())
    }

    /// Starts a value at `tok`: a scalar is returned, a container is opened (`None`).
    fn start_value(&mut self, l: &mut Lua, tok: Token) -> LuaResult<Option<Value>> {
        let v = match tok.kind {
            Kind::Str => l.str_value(&self.buf)?,
            Kind::Num(n) => Value::Num(n),
            Kind::Bool(b) => Value::Bool(b),
            Kind::Null => NULL,
            Kind::ArrBegin | Kind::ObjBegin => {
                let array = tok.kind == Kind::ArrBegin;
                self.descend(
                    l,
                    if array {
                        ARRAY_DESCEND_SLOTS
                    } else {
                        OBJECT_DESCEND_SLOTS
                    },
                )?;
                let t = l.new_table()?;
                l.push(Value::Table(t))?;
                self.cstack.used += 1;
                self.open.push(if array {
                    Open::Array { t, n: 0 }
                } else {
                    Open::Object { t, key: Value::Nil }
                });
                return Ok(None);
            }
            _ => return Err(self.parse_error(l, "value", tok)),
        };
        Ok(Some(v))
    }

    /// Reads `"key" :` and the start of the value that follows, in an open object.
    fn object_member(&mut self, l: &mut Lua, tok: Token) -> LuaResult<Option<Value>> {
        if tok.kind != Kind::Str {
            return Err(self.parse_error(l, "object key string", tok));
        }
        let key = l.str_value(&self.buf)?;
        l.push(key)?;
        self.cstack.used += 1;
        if let Some(Open::Object { key: k, .. }) = self.open.last_mut() {
            *k = key;
        }
        let tok = self.next_token(l)?;
        if tok.kind != Kind::Colon {
            return Err(self.parse_error(l, "colon", tok));
        }
        let tok = self.next_token(l)?;
        self.start_value(l, tok)
    }

    /// Closes the innermost container; it becomes the completed value.
    fn close(&mut self, l: &mut Lua) -> Value {
        let t = match self.open.pop() {
            Some(Open::Array { t, .. }) | Some(Open::Object { t, .. }) => t,
            None => unreachable!("close without an open container"),
        };
        l.pop();
        self.cstack.used -= 1;
        Value::Table(t)
    }

    fn parse(&mut self, l: &mut Lua) -> LuaResult<()> {
        let tok = self.next_token(l)?;
        let mut pending = self.start_value(l, tok)?;
        loop {
            match pending {
                Some(v) => {
                    // Deliver a completed value to the innermost container.
                    match self.open.last_mut() {
                        None => {
                            l.push(v)?;
                            let tok = self.next_token(l)?;
                            if tok.kind != Kind::End {
                                return Err(self.parse_error(l, "the end", tok));
                            }
                            return Ok(());
                        }
                        Some(Open::Array { t, n }) => {
                            *n += 1;
                            let (t, n) = (*t, *n);
                            l.raw_set(t, Value::Num(n as f64), v)?;
                            let tok = self.next_token(l)?;
                            pending = match tok.kind {
                                Kind::ArrEnd => Some(self.close(l)),
                                Kind::Comma => {
                                    let tok = self.next_token(l)?;
                                    self.start_value(l, tok)?
                                }
                                _ => return Err(self.parse_error(l, "comma or array end", tok)),
                            };
                        }
                        Some(Open::Object { t, key }) => {
                            let (t, k) = (*t, *key);
                            l.raw_set(t, k, v)?;
                            l.pop();
                            self.cstack.used -= 1;
                            let tok = self.next_token(l)?;
                            pending = match tok.kind {
                                Kind::ObjEnd => Some(self.close(l)),
                                Kind::Comma => {
                                    let tok = self.next_token(l)?;
                                    self.object_member(l, tok)?
                                }
                                _ => return Err(self.parse_error(l, "comma or object end", tok)),
                            };
                        }
                    }
                }
                None => {
                    // A container was just opened: its first token.
                    let tok = self.next_token(l)?;
                    pending = match self.open.last() {
                        Some(Open::Array { .. }) => {
                            if tok.kind == Kind::ArrEnd {
                                Some(self.close(l))
                            } else {
                                self.start_value(l, tok)?
                            }
                        }
                        Some(Open::Object { .. }) => {
                            if tok.kind == Kind::ObjEnd {
                                Some(self.close(l))
                            } else {
                                self.object_member(l, tok)?
                            }
                        }
                        None => unreachable!("no open container"),
                    };
                }
            }
        }
    }
}
