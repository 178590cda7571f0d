//! Criterion benchmarks of the interpreter's core paths. Each benchmark compiles its Lua
//! program once and times calls of the resulting function. Side-by-side ratios against
//! lua5.1 come from `benches/compare_lua.sh` (whole programs, wall time).

use criterion::{criterion_group, criterion_main, Criterion};
use lua51::{Lua, Value};

fn setup(src: &str) -> (Lua, Value) {
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).unwrap();
    let f = l.exec(src.as_bytes(), b"=bench").unwrap()[0];
    // Keep the benchmarked function reachable from the globals.
    l.set_global("__bench", f).unwrap();
    (l, f)
}

fn bench(c: &mut Criterion, name: &str, src: &str) {
    let (mut l, f) = setup(src);
    c.bench_function(name, |b| b.iter(|| l.pcall(f, &[]).unwrap()));
}

fn vm(c: &mut Criterion) {
    bench(
        c,
        "recursive_calls_fib20",
        "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
         return function() return fib(20) end",
    );
    bench(
        c,
        "numeric_loop_100k",
        "return function() local s = 0 for i = 1, 100000 do s = s + i % 7 end return s end",
    );
    bench(
        c,
        "table_array_rw_10k",
        "return function() local t = {} for i = 1, 10000 do t[i] = i end
         local s = 0 for i = 1, #t do s = s + t[i] end return s end",
    );
    bench(
        c,
        "table_hash_rw_1k",
        "local keys = {} for i = 1, 1000 do keys[i] = 'k' .. i end
         return function() local t = {} for i = 1, #keys do t[keys[i]] = i end
         local s = 0 for i = 1, #keys do s = s + t[keys[i]] end return s end",
    );
    bench(
        c,
        "string_building_1k",
        "return function() local p = {} for i = 1, 1000 do p[#p+1] = 'x' .. i end
         return table.concat(p, ',') end",
    );
    bench(
        c,
        "method_calls_index_10k",
        "local P = {} P.__index = P
         function P:get() return self.v end
         local o = setmetatable({v = 1}, P)
         return function() local s = 0 for i = 1, 10000 do s = s + o:get() end return s end",
    );
    bench(
        c,
        "closures_10k",
        "return function() local s = 0 for i = 1, 10000 do local f = function() return i end s = s + f() end return s end",
    );
}

criterion_group!(benches, vm);
criterion_main!(benches);
