//! Lua 5.1 pattern matching on byte strings: the engine behind `string.find`, `match`,
//! `gmatch` and `gsub`.
//!
//! Observable behaviour follows PUC-Rio Lua 5.1.5: the same pattern items (character classes
//! with C-locale `ctype` meaning, sets, `%b`, `%f`, back-references, position captures), the
//! same order of trying alternatives (greedy `*`/`+`, lazy `-`, `?` trying the character
//! first), errors raised lazily when the matcher reaches the faulty item, with 5.1's messages,
//! and a pattern that ends at its first zero byte (5.1 reads patterns as C strings).
//!
//! Unlike the C code, the matcher does not recurse: pending alternatives and capture changes
//! to undo live on an explicit, reused stack ([`Matcher`]). Its depth is bounded by
//! [`MAX_BACKTRACK_DEPTH`] (error `pattern too complex` where 5.1 would overflow the C stack),
//! and every [`STEP_CHUNK`] steps of work the matcher charges a caller-supplied
//! [`StepBudget`], which can stop a runaway match (error [`PatternError::Interrupted`]).
//!
//! This module knows nothing about Lua values; the string library converts [`Capture`]s into
//! values and [`PatternError`]s into Lua errors. Tests: `crates/lua/tests/pattern_*.rs`.

use std::fmt;

use smallvec::SmallVec;

use crate::number::fmt_number;

/// Most captures one pattern may hold: `LUA_MAXCAPTURES` = 32 (`luaconf.h`).
pub const MAX_CAPTURES: usize = 32;

/// Most pending alternatives and capture undo records the matcher keeps. 5.1 recurses in C
/// once per such entry and crashes with a C stack overflow somewhere between 100,000 and
/// 200,000 (measured with `a?` repeated against `a`s on a default 8 MB stack); past this limit
/// we raise `pattern too complex` (5.2's message for its own limit) instead.
pub const MAX_BACKTRACK_DEPTH: usize = 200_000;

/// The matcher charges its [`StepBudget`] once per this many steps (one step is one pattern
/// item tried, one alternative resumed or one subject byte scanned).
pub const STEP_CHUNK: u32 = 4096;

/// Characters that make a pattern need the matcher (5.1's `SPECIALS`); patterns without them
/// are searched as plain substrings by `string.find`.
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// Capture length marker: capture opened, not closed yet (5.1's `CAP_UNFINISHED`).
const CAP_UNFINISHED: isize = -1;
/// Capture length marker: position capture `()` (5.1's `CAP_POSITION`).
const CAP_POSITION: isize = -2;

/// Pattern errors, each displayed with Lua 5.1's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternError {
    /// `malformed pattern (ends with '%')`
    EndsWithPercent,
    /// `malformed pattern (missing ']')`
    MissingBracket,
    /// `missing '[' after '%f' in pattern`
    MissingFrontierSet,
    /// `unbalanced pattern` (`%b` without two characters)
    Unbalanced,
    /// `invalid capture index`
    InvalidCaptureIndex,
    /// `invalid pattern capture` (a `)` with no open capture)
    InvalidPatternCapture,
    /// `unfinished capture` (a capture still open when its value is asked for)
    UnfinishedCapture,
    /// `too many captures` (more than [`MAX_CAPTURES`])
    TooManyCaptures,
    /// `pattern too complex` (more than [`MAX_BACKTRACK_DEPTH`] pending alternatives)
    TooComplex,
    /// The [`StepBudget`] refused to continue; the caller knows why and raises its own error.
    Interrupted,
}

impl PatternError {
    /// The Lua 5.1 error message (without the `chunk:line:` prefix `luaL_error` adds).
    pub fn message(&self) -> &'static str {
        match self {
            PatternError::EndsWithPercent => "malformed pattern (ends with '%')",
            PatternError::MissingBracket => "malformed pattern (missing ']')",
            PatternError::MissingFrontierSet => "missing '[' after '%f' in pattern",
            PatternError::Unbalanced => "unbalanced pattern",
            PatternError::InvalidCaptureIndex => "invalid capture index",
            PatternError::InvalidPatternCapture => "invalid pattern capture",
            PatternError::UnfinishedCapture => "unfinished capture",
            PatternError::TooManyCaptures => "too many captures",
            PatternError::TooComplex => "pattern too complex",
            PatternError::Interrupted => "pattern matching interrupted",
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for PatternError {}

/// Lets the caller bound the work of a match. `charge` is called with the number of steps done
/// since the last call (normally [`STEP_CHUNK`]); returning `false` stops the match with
/// [`PatternError::Interrupted`].
pub trait StepBudget {
    fn charge(&mut self, steps: u32) -> bool;
}

/// A budget that never stops the matcher.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unlimited;

impl StepBudget for Unlimited {
    fn charge(&mut self, _steps: u32) -> bool {
        true
    }
}

impl<F: FnMut(u32) -> bool> StepBudget for F {
    fn charge(&mut self, steps: u32) -> bool {
        self(steps)
    }
}

/// One capture's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// The bytes `subject[start..end]`.
    Range(usize, usize),
    /// A position capture `()`: the 0-based offset. Lua sees the number `offset + 1`.
    Position(usize),
}

#[derive(Debug, Clone, Copy, Default)]
struct RawCapture {
    init: usize,
    /// Length, or [`CAP_UNFINISHED`] / [`CAP_POSITION`].
    len: isize,
}

/// A successful match: the matched range `start..end` of the subject and the captures.
#[derive(Clone)]
pub struct Match {
    /// Byte offset where the match starts (Lua's `find` reports `start + 1`).
    pub start: usize,
    /// Byte offset just past the match (Lua's `find` reports `end`).
    pub end: usize,
    level: usize,
    /// The captures' raw records (`level` of them). Kept small inline: a `Match` is returned
    /// by value through several layers for every match, so its size is copying cost.
    caps: SmallVec<[RawCapture; INLINE_CAPTURES]>,
}

/// Captures a [`Match`] holds without a heap allocation (patterns rarely have more).
const INLINE_CAPTURES: usize = 4;

impl fmt::Debug for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Match")
            .field("start", &self.start)
            .field("end", &self.end)
            .field(
                "captures",
                &(0..self.level).map(|i| self.capture(i)).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Match {
    /// Number of captures the pattern opened (5.1's `ms->level`).
    pub fn level(&self) -> usize {
        self.level
    }

    /// Number of values `find`/`match`/`gmatch` return for the captures: the captures, or one
    /// (the whole match) when the pattern has none.
    pub fn capture_count(&self) -> usize {
        if self.level == 0 {
            1
        } else {
            self.level
        }
    }

    /// Capture `i` (0-based) as 5.1's `push_onecapture` produces it: with no captures,
    /// index 0 is the whole match; other missing indices are `invalid capture index`; a capture
    /// never closed is `unfinished capture`.
    pub fn capture(&self, i: usize) -> Result<Capture, PatternError> {
        if i >= self.level {
            return if i == 0 {
                Ok(Capture::Range(self.start, self.end))
            } else {
                Err(PatternError::InvalidCaptureIndex)
            };
        }
        let c = self.caps[i];
        match c.len {
            CAP_UNFINISHED => Err(PatternError::UnfinishedCapture),
            CAP_POSITION => Ok(Capture::Position(c.init)),
            len => Ok(Capture::Range(c.init, c.init + len as usize)),
        }
    }

    /// All values of [`Match::capture_count`], in order.
    pub fn captures(&self) -> impl Iterator<Item = Result<Capture, PatternError>> + '_ {
        (0..self.capture_count()).map(move |i| self.capture(i))
    }
}

/// A pending alternative, or a capture change to undo when backtracking past it.
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// `x?` took the character; the alternative resumes at `s` with the rest `p`.
    Question { s: usize, p: usize },
    /// `x*` / `x+` is trying `s + i` characters; alternatives use fewer, down to `s`.
    MaxExpand { s: usize, i: usize, p: usize },
    /// `x-` is trying the rest at `s`; the alternative takes one more `x` (item `p..ep`).
    MinExpand { s: usize, p: usize, ep: usize },
    /// A capture was opened: undo by dropping it.
    OpenCapture,
    /// Capture `l` was closed: undo by reopening it.
    CloseCapture(usize),
}

/// The matching engine. Holds the backtracking stack and capture state so repeated matches
/// (a `gsub` or `gmatch` loop) do not allocate; create one and reuse it.
pub struct Matcher {
    stack: Vec<Frame>,
    level: usize,
    caps: [RawCapture; MAX_CAPTURES],
    /// Steps done since the budget was last charged.
    pending: u32,
    max_depth: usize,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher::new()
    }
}

/// The byte at `i`, or 0 past the end (the C string terminator 5.1 would read there).
#[inline]
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// The part of a pattern 5.1 sees: up to its first zero byte.
fn c_pattern(pattern: &[u8]) -> &[u8] {
    match crate::string::find_byte(0, pattern) {
        Some(k) => &pattern[..k],
        None => pattern,
    }
}

/// Whether `pattern` needs the matcher (5.1's `strpbrk(p, SPECIALS)`, which stops at the
/// first zero byte). If not, `string.find` searches for it as a plain substring.
pub fn is_special(pattern: &[u8]) -> bool {
    for &c in pattern {
        if IS_SPECIAL[usize::from(c)] {
            return c != 0;
        }
    }
    false
}

/// [`SPECIALS`] as a lookup table, with the zero byte marked too (it ends the scan).
static IS_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < SPECIALS.len() {
        t[SPECIALS[i] as usize] = true;
        i += 1;
    }
    t[0] = true;
    t
};

/// Plain substring search (5.1's `lmemfind`): the offset of the first occurrence of `needle`
/// in `subject` at or after `init`. An empty needle matches at `init`.
pub fn find_plain(subject: &[u8], needle: &[u8], init: usize) -> Option<usize> {
    if init > subject.len() {
        return None;
    }
    memchr::memmem::find(&subject[init..], needle).map(|k| init + k)
}

/// 5.1's start position rule for `find`/`match`: `init` (1-based, negative from the end,
/// default 1) becomes a 0-based offset clamped to `0..=len`.
pub fn start_offset(init: i64, len: usize) -> usize {
    let len_i = len as i64;
    let rel = if init < 0 { len_i + init + 1 } else { init };
    (rel - 1).clamp(0, len_i) as usize
}

/// C-locale `ctype` test for class letter `cl` (lower case) or `None` if `cl` names no class.
#[inline]
fn class_test(c: u8, cl_lower: u8) -> Option<bool> {
    Some(match cl_lower {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c < 0x20 || c == 0x7f,
        b'd' => c.is_ascii_digit(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => c == b' ' || (b'\t'..=b'\r').contains(&c),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return None,
    })
}

/// Does `c` match `%cl`? Class letters in upper case are complements; any other character
/// matches itself.
#[inline]
fn match_class(c: u8, cl: u8) -> bool {
    match class_test(c, cl.to_ascii_lowercase()) {
        Some(r) => r != cl.is_ascii_uppercase(),
        None => cl == c,
    }
}

/// Does `c` belong to the set `pat[p..=ec]` (`p` at `[`, `ec` at the closing `]`)?
fn match_bracket_class(c: u8, pat: &[u8], p: usize, ec: usize) -> bool {
    let mut k = p + 1;
    let mut inside = true;
    if pat[k] == b'^' {
        inside = false;
        k += 1;
    }
    while k < ec {
        if pat[k] == b'%' {
            k += 1;
            if match_class(c, pat[k]) {
                return inside;
            }
            k += 1;
        } else if pat[k + 1] == b'-' && k + 2 < ec {
            if pat[k] <= c && c <= pat[k + 2] {
                return inside;
            }
            k += 3;
        } else {
            if pat[k] == c {
                return inside;
            }
            k += 1;
        }
    }
    !inside
}

/// Index just past the single-character item starting at `pat[p]` (a literal, `.`, `%x` or a
/// set `[...]`).
fn class_end(pat: &[u8], p: usize) -> Result<usize, PatternError> {
    let mut q = p + 1;
    match pat[p] {
        b'%' => {
            if q >= pat.len() {
                return Err(PatternError::EndsWithPercent);
            }
            Ok(q + 1)
        }
        b'[' => {
            if at(pat, q) == b'^' {
                q += 1;
            }
            // The first character of a set is always a member (so `[]]` is a set of `]`).
            loop {
                if q >= pat.len() {
                    return Err(PatternError::MissingBracket);
                }
                let c = pat[q];
                q += 1;
                if c == b'%' && q < pat.len() {
                    q += 1; // escaped character, e.g. `%]`
                }
                if at(pat, q) == b']' {
                    return Ok(q + 1);
                }
            }
        }
        _ => Ok(q),
    }
}

/// Does byte `c` match the single-character item `pat[p..ep]`?
#[inline]
fn single_match(c: u8, pat: &[u8], p: usize, ep: usize) -> bool {
    match pat[p] {
        b'.' => true,
        b'%' => match_class(c, pat[p + 1]),
        b'[' => match_bracket_class(c, pat, p, ep - 1),
        lit => lit == c,
    }
}

/// If every match of `pat[p0..]` must begin with one literal byte, that byte (lets the
/// search skip ahead with `memchr` without changing what is matched or which errors occur).
fn leading_literal(pat: &[u8], p0: usize) -> Option<u8> {
    let c = *pat.get(p0)?;
    // `)` is not special for `find`'s plain test but is a pattern item (it closes a capture).
    if SPECIALS.contains(&c) || c == b')' {
        return None;
    }
    match at(pat, p0 + 1) {
        b'*' | b'?' | b'-' => None,
        _ => Some(c),
    }
}

/// Iteration state of `string.gmatch` (5.1 semantics: the pattern is not anchored, `^`
/// matches itself; after an empty match the next search starts one byte further).
#[derive(Debug, Clone, Default)]
pub struct Gmatch {
    pos: usize,
}

impl Gmatch {
    pub fn new() -> Self {
        Gmatch { pos: 0 }
    }

    /// Resumes an iteration whose next search starts at offset `pos` (a caller that keeps the
    /// state elsewhere, e.g. in a Lua upvalue, rebuilds it with this).
    pub fn at(pos: usize) -> Self {
        Gmatch { pos }
    }

    /// Offset where the next search starts.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The next match, or `None` when the subject is exhausted.
    pub fn next<B: StepBudget + ?Sized>(
        &mut self,
        matcher: &mut Matcher,
        subject: &[u8],
        pattern: &[u8],
        budget: &mut B,
    ) -> Result<Option<Match>, PatternError> {
        let pat = c_pattern(pattern);
        match matcher.scan(subject, pat, 0, self.pos, false, budget)? {
            Some(m) => {
                self.pos = if m.end == m.start { m.end + 1 } else { m.end };
                Ok(Some(m))
            }
            None => {
                self.pos = subject.len() + 1;
                Ok(None)
            }
        }
    }
}

/// Appends `gsub`'s expansion of the replacement string `repl` for match `m`, as 5.1 does:
/// `%0` is the whole match, `%1`..`%9` the captures (a position capture gives its number),
/// `%` followed by any other byte gives that byte, and a `%` at the very end gives a zero byte
/// (5.1 reads the string's C terminator there).
pub fn expand_replacement(
    repl: &[u8],
    subject: &[u8],
    m: &Match,
    out: &mut Vec<u8>,
) -> Result<(), PatternError> {
    let mut i = 0;
    while i < repl.len() {
        let run_end = crate::string::find_byte(b'%', &repl[i..]).map_or(repl.len(), |k| i + k);
        out.extend_from_slice(&repl[i..run_end]);
        if run_end >= repl.len() {
            break;
        }
        let c = at(repl, run_end + 1);
        i = run_end + 2;
        if !c.is_ascii_digit() {
            out.push(c);
        } else if c == b'0' {
            out.extend_from_slice(&subject[m.start..m.end]);
        } else {
            match m.capture(usize::from(c - b'1'))? {
                Capture::Range(a, b) => out.extend_from_slice(&subject[a..b]),
                Capture::Position(pos) => fmt_number((pos + 1) as f64, out),
            }
        }
    }
    Ok(())
}

impl Matcher {
    pub fn new() -> Self {
        Matcher::with_max_depth(MAX_BACKTRACK_DEPTH)
    }

    /// A matcher with a different bound on pending alternatives (for embedders that want a
    /// tighter memory bound than [`MAX_BACKTRACK_DEPTH`]).
    pub fn with_max_depth(max_depth: usize) -> Self {
        Matcher {
            stack: Vec::new(),
            level: 0,
            caps: [RawCapture::default(); MAX_CAPTURES],
            pending: 0,
            max_depth,
        }
    }

    /// `string.find`/`string.match` search: the first match of `pattern` in `subject`
    /// starting at offset `init` or later (a leading `^` anchors it at `init`). `init` past
    /// the end gives `None`; see [`start_offset`] for 5.1's clamping of Lua's `init`.
    pub fn find<B: StepBudget + ?Sized>(
        &mut self,
        subject: &[u8],
        pattern: &[u8],
        init: usize,
        budget: &mut B,
    ) -> Result<Option<Match>, PatternError> {
        let pat = c_pattern(pattern);
        let (anchor, p0) = if pat.first() == Some(&b'^') {
            (true, 1)
        } else {
            (false, 0)
        };
        self.scan(subject, pat, p0, init, anchor, budget)
    }

    /// Matches `pattern` exactly at offset `s` (no anchor handling: a leading `^` is a literal).
    pub fn match_at<B: StepBudget + ?Sized>(
        &mut self,
        subject: &[u8],
        pattern: &[u8],
        s: usize,
        budget: &mut B,
    ) -> Result<Option<Match>, PatternError> {
        if s > subject.len() {
            return Ok(None);
        }
        let pat = c_pattern(pattern);
        Ok(self
            .run(subject, pat, s, 0, budget)?
            .map(|e| self.make_match(s, e)))
    }

    /// `string.gsub` with 5.1's loop: replaces up to `max_n` matches (a leading `^` allows
    /// only a match at the start), calling `repl` to append each replacement to `out`, and
    /// copies the unmatched bytes. Returns the number of matches.
    pub fn gsub<B, E, F>(
        &mut self,
        subject: &[u8],
        pattern: &[u8],
        max_n: usize,
        budget: &mut B,
        out: &mut Vec<u8>,
        mut repl: F,
    ) -> Result<usize, E>
    where
        B: StepBudget + ?Sized,
        E: From<PatternError>,
        F: FnMut(&Match, &mut Vec<u8>) -> Result<(), E>,
    {
        let pat = c_pattern(pattern);
        let (anchor, p0) = if pat.first() == Some(&b'^') {
            (true, 1)
        } else {
            (false, 0)
        };
        let literal = if anchor {
            None
        } else {
            leading_literal(pat, p0)
        };
        let mut src = 0;
        let mut n = 0;
        while n < max_n {
            if let Some(c) = literal {
                // No match can start before the next occurrence of the literal.
                let next =
                    crate::string::find_byte(c, &subject[src..]).map_or(subject.len(), |k| src + k);
                out.extend_from_slice(&subject[src..next]);
                src = next;
            }
            let e = self.run(subject, pat, src, p0, budget)?;
            if let Some(e) = e {
                n += 1;
                let m = self.make_match(src, e);
                repl(&m, out)?;
            }
            match e {
                Some(e) if e > src => src = e,
                _ if src < subject.len() => {
                    out.push(subject[src]);
                    src += 1;
                }
                _ => break,
            }
            if anchor {
                break;
            }
        }
        out.extend_from_slice(&subject[src..]);
        Ok(n)
    }

    /// Tries `pat[p0..]` at `from`, `from + 1`, ... (only `from` if `anchor`), up to and
    /// including the end of the subject.
    fn scan<B: StepBudget + ?Sized>(
        &mut self,
        subject: &[u8],
        pat: &[u8],
        p0: usize,
        from: usize,
        anchor: bool,
        budget: &mut B,
    ) -> Result<Option<Match>, PatternError> {
        let literal = if anchor {
            None
        } else {
            leading_literal(pat, p0)
        };
        let mut s = from;
        while s <= subject.len() {
            if let Some(c) = literal {
                match crate::string::find_byte(c, &subject[s..]) {
                    Some(k) => s += k,
                    None => return Ok(None),
                }
            }
            if let Some(e) = self.run(subject, pat, s, p0, budget)? {
                return Ok(Some(self.make_match(s, e)));
            }
            if anchor {
                break;
            }
            s += 1;
        }
        Ok(None)
    }

    fn make_match(&self, start: usize, end: usize) -> Match {
        let caps = SmallVec::from_slice(&self.caps[..self.level]);
        Match {
            start,
            end,
            level: self.level,
            caps,
        }
    }

    /// Counts `n` steps of work, charging the budget every [`STEP_CHUNK`] steps.
    #[inline]
    fn charge<B: StepBudget + ?Sized>(
        &mut self,
        n: usize,
        budget: &mut B,
    ) -> Result<(), PatternError> {
        let total = self.pending as usize + n;
        if total < STEP_CHUNK as usize {
            self.pending = total as u32;
            return Ok(());
        }
        self.pending = 0;
        let steps = total.min(u32::MAX as usize) as u32;
        if budget.charge(steps) {
            Ok(())
        } else {
            Err(PatternError::Interrupted)
        }
    }

    #[inline]
    fn push(&mut self, f: Frame) -> Result<(), PatternError> {
        if self.stack.len() >= self.max_depth {
            return Err(PatternError::TooComplex);
        }
        self.stack.push(f);
        Ok(())
    }

    /// Matches `pat[p0..]` against `src` at `s0`; on success returns the end of the match,
    /// leaving the captures in `self.caps[..self.level]`.
    ///
    /// The loop mirrors 5.1's recursive `match`: a forward phase follows the pattern, pushing
    /// a [`Frame`] wherever 5.1 would recurse; when an item fails, the backtrack phase pops
    /// frames, undoing capture changes, until one has an untried alternative.
    fn run<B: StepBudget + ?Sized>(
        &mut self,
        src: &[u8],
        pat: &[u8],
        s0: usize,
        p0: usize,
        budget: &mut B,
    ) -> Result<Option<usize>, PatternError> {
        self.stack.clear();
        self.level = 0;
        let mut s = s0;
        let mut p = p0;
        loop {
            // Forward phase: returns Some(end) when the pattern is exhausted, None on failure.
            let outcome = loop {
                self.charge(1, budget)?;
                if p >= pat.len() {
                    break Some(s);
                }
                match pat[p] {
                    b'(' => {
                        if self.level >= MAX_CAPTURES {
                            return Err(PatternError::TooManyCaptures);
                        }
                        let (len, next) = if at(pat, p + 1) == b')' {
                            (CAP_POSITION, p + 2)
                        } else {
                            (CAP_UNFINISHED, p + 1)
                        };
                        self.caps[self.level] = RawCapture { init: s, len };
                        self.level += 1;
                        self.push(Frame::OpenCapture)?;
                        p = next;
                    }
                    b')' => {
                        let l = (0..self.level)
                            .rev()
                            .find(|&l| self.caps[l].len == CAP_UNFINISHED)
                            .ok_or(PatternError::InvalidPatternCapture)?;
                        self.caps[l].len = (s - self.caps[l].init) as isize;
                        self.push(Frame::CloseCapture(l))?;
                        p += 1;
                    }
                    b'$' if p + 1 == pat.len() => {
                        break if s == src.len() { Some(s) } else { None };
                    }
                    b'%' if at(pat, p + 1) == b'b' => {
                        let (open, close) = (at(pat, p + 2), at(pat, p + 3));
                        if open == 0 || close == 0 {
                            return Err(PatternError::Unbalanced);
                        }
                        if at(src, s) != open {
                            break None;
                        }
                        let mut depth = 1usize;
                        let mut k = s + 1;
                        let mut end = None;
                        while k < src.len() {
                            let c = src[k];
                            if c == close {
                                depth -= 1;
                                if depth == 0 {
                                    end = Some(k + 1);
                                    break;
                                }
                            } else if c == open {
                                depth += 1;
                            }
                            k += 1;
                        }
                        self.charge(k - s, budget)?;
                        match end {
                            Some(e) => {
                                s = e;
                                p += 4;
                            }
                            None => break None,
                        }
                    }
                    b'%' if at(pat, p + 1) == b'f' => {
                        p += 2;
                        if at(pat, p) != b'[' {
                            return Err(PatternError::MissingFrontierSet);
                        }
                        let ep = class_end(pat, p)?;
                        let prev = if s == 0 { 0 } else { src[s - 1] };
                        let cur = at(src, s);
                        if match_bracket_class(prev, pat, p, ep - 1)
                            || !match_bracket_class(cur, pat, p, ep - 1)
                        {
                            break None;
                        }
                        p = ep;
                    }
                    b'%' if at(pat, p + 1).is_ascii_digit() => {
                        let l = usize::from(pat[p + 1]).wrapping_sub(usize::from(b'1'));
                        if l >= self.level || self.caps[l].len == CAP_UNFINISHED {
                            return Err(PatternError::InvalidCaptureIndex);
                        }
                        let cap = self.caps[l];
                        // A position capture has no text; 5.1 compares with a huge length
                        // and so never matches it.
                        if cap.len < 0 {
                            break None;
                        }
                        let len = cap.len as usize;
                        if src.len() - s >= len && src[cap.init..cap.init + len] == src[s..s + len]
                        {
                            self.charge(len, budget)?;
                            s += len;
                            p += 2;
                        } else {
                            break None;
                        }
                    }
                    _ => {
                        let ep = class_end(pat, p)?;
                        let m = s < src.len() && single_match(src[s], pat, p, ep);
                        match at(pat, ep) {
                            b'?' => {
                                if m {
                                    self.push(Frame::Question { s, p: ep + 1 })?;
                                    s += 1;
                                }
                                p = ep + 1;
                            }
                            b'*' => {
                                let i = self.count_matches(src, s, pat, p, ep, budget)?;
                                self.push(Frame::MaxExpand { s, i, p: ep + 1 })?;
                                s += i;
                                p = ep + 1;
                            }
                            b'+' => {
                                if !m {
                                    break None;
                                }
                                let i = self.count_matches(src, s + 1, pat, p, ep, budget)?;
                                self.push(Frame::MaxExpand {
                                    s: s + 1,
                                    i,
                                    p: ep + 1,
                                })?;
                                s += 1 + i;
                                p = ep + 1;
                            }
                            b'-' => {
                                self.push(Frame::MinExpand { s, p, ep })?;
                                p = ep + 1;
                            }
                            _ => {
                                if !m {
                                    break None;
                                }
                                s += 1;
                                p = ep;
                            }
                        }
                    }
                }
            };
            if let Some(end) = outcome {
                self.stack.clear();
                return Ok(Some(end));
            }
            // Backtrack phase: find the most recent untried alternative.
            loop {
                let Some(frame) = self.stack.last_mut() else {
                    return Ok(None);
                };
                match *frame {
                    Frame::OpenCapture => {
                        self.level -= 1;
                        self.stack.pop();
                    }
                    Frame::CloseCapture(l) => {
                        self.caps[l].len = CAP_UNFINISHED;
                        self.stack.pop();
                    }
                    Frame::Question { s: qs, p: qp } => {
                        self.stack.pop();
                        s = qs;
                        p = qp;
                        break;
                    }
                    Frame::MaxExpand {
                        s: base,
                        i,
                        p: rest,
                    } => {
                        if i == 0 {
                            self.stack.pop();
                        } else {
                            *frame = Frame::MaxExpand {
                                s: base,
                                i: i - 1,
                                p: rest,
                            };
                            s = base + i - 1;
                            p = rest;
                            break;
                        }
                    }
                    Frame::MinExpand { s: ms, p: mp, ep } => {
                        if ms < src.len() && single_match(src[ms], pat, mp, ep) {
                            *frame = Frame::MinExpand {
                                s: ms + 1,
                                p: mp,
                                ep,
                            };
                            s = ms + 1;
                            p = ep + 1;
                            break;
                        }
                        self.stack.pop();
                    }
                }
                self.charge(1, budget)?;
            }
        }
    }

    /// How many consecutive bytes from `s` match the item `pat[p..ep]`.
    fn count_matches<B: StepBudget + ?Sized>(
        &mut self,
        src: &[u8],
        s: usize,
        pat: &[u8],
        p: usize,
        ep: usize,
        budget: &mut B,
    ) -> Result<usize, PatternError> {
        let rest = &src[s.min(src.len())..];
        let i = match pat[p] {
            b'.' => rest.len(),
            _ => rest
                .iter()
                .take_while(|&&c| single_match(c, pat, p, ep))
                .count(),
        };
        self.charge(i, budget)?;
        Ok(i)
    }
}
