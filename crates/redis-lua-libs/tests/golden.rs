//! Lua cases for each library, compared with the replies redis-server 7.0.15 gave for the
//! same scripts (`cases/*.lua` → `golden/*.txt`, recorded by `record.py`).

mod common;

#[test]
fn cjson_matches_redis() {
    common::check_lib("cjson");
}

#[test]
fn cmsgpack_matches_redis() {
    common::check_lib("cmsgpack");
}

#[test]
fn bit_matches_redis() {
    common::check_lib("bit");
}

#[test]
fn struct_matches_redis() {
    common::check_lib("struct");
}
