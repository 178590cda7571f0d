//! RDB persistence across restarts: SAVE / BGSAVE / save points / SHUTDOWN write the
//! dataset, the next start loads it; a file written by redis-server 7.0.15 loads here;
//! failures to save give Redis's replies (`-ERR`, `-MISCONF`, SHUTDOWN refusing to exit)
//! and bad files stop start-up with status 1 instead of crashing.
//!
//! Replies follow redis-server 7.0.15 (checked by running the same steps against it);
//! `redis-tests/golden/redis-7.0.15.rdb` was written by it (`redis-tests/golden/make-rdb.sh`
//! regenerates it). Every wait is bounded; servers are stopped by PID.

mod common;

use common::{cmd, TestServer};
use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

/// A fresh directory for one test's dump file.
fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rlua51-persist-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn start_in(dir: &Path, extra: &[&str]) -> TestServer {
    let d = dir.display().to_string();
    let mut args = vec!["--dir", d.as_str()];
    args.extend_from_slice(extra);
    TestServer::start(&args)
}

fn q(s: &mut TcpStream, args: &[&str]) -> String {
    let a: Vec<&[u8]> = args.iter().map(|x| x.as_bytes()).collect();
    cmd(s, &a).render()
}

fn info_field(s: &mut TcpStream, field: &str) -> String {
    let text = match cmd(s, &[b"INFO", b"persistence"]) {
        resp::Frame::Bulk(b) => String::from_utf8(b).expect("utf8"),
        f => panic!("INFO reply {f:?}"),
    };
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {field} in INFO"))
}

fn fill(s: &mut TcpStream) {
    for c in [
        vec!["SET", "str", "hello"],
        vec!["SET", "int", "12345"],
        vec!["SET", "ttl", "v", "EXAT", "4102444800"],
        vec!["RPUSH", "list", "a", "b", "1"],
        vec!["HSET", "hash", "f", "v"],
        vec!["SADD", "intset", "1", "2", "3"],
        vec!["SADD", "set", "x", "y"],
        vec!["ZADD", "zset", "1", "a", "2.5", "b"],
        vec!["SELECT", "4"],
        vec!["SET", "in4", "four"],
        vec!["SELECT", "0"],
        vec![
            "FUNCTION",
            "LOAD",
            "#!lua name=plib\nredis.register_function('pf', function() return 'pf' end)",
        ],
    ] {
        let r = q(s, &c);
        assert!(!r.starts_with('-'), "{c:?}: {r}");
    }
}

fn check(s: &mut TcpStream) {
    assert_eq!(q(s, &["GET", "str"]), "$\"hello\"");
    assert_eq!(q(s, &["OBJECT", "ENCODING", "int"]), "$\"int\"");
    assert_eq!(q(s, &["EXPIRETIME", "ttl"]), ":4102444800");
    assert_eq!(
        q(s, &["LRANGE", "list", "0", "-1"]),
        "*3\n  $\"a\"\n  $\"b\"\n  $\"1\""
    );
    assert_eq!(q(s, &["HGET", "hash", "f"]), "$\"v\"");
    assert_eq!(q(s, &["OBJECT", "ENCODING", "intset"]), "$\"intset\"");
    assert_eq!(q(s, &["SISMEMBER", "set", "y"]), ":1");
    assert_eq!(q(s, &["ZSCORE", "zset", "b"]), "$\"2.5\"");
    assert_eq!(q(s, &["FCALL", "pf", "0"]), "$\"pf\"");
    assert_eq!(q(s, &["SELECT", "4"]), "+OK");
    assert_eq!(q(s, &["GET", "in4"]), "$\"four\"");
    assert_eq!(q(s, &["SELECT", "0"]), "+OK");
}

#[test]
fn save_then_restart_restores_everything() {
    let dir = tmpdir("save");
    {
        let srv = start_in(&dir, &[]);
        let mut s = srv.connect();
        fill(&mut s);
        assert_eq!(info_field(&mut s, "rdb_changes_since_last_save"), "16");
        let before = q(&mut s, &["LASTSAVE"]);
        assert!(before.starts_with(':'));
        for c in [
            vec!["XADD", "st", "5-1", "f", "v"],
            vec!["XADD", "st", "5-2", "f", "w", "g", "x"],
            vec!["XADD", "st", "6-0", "f", "y"],
            vec!["XDEL", "st", "5-2"],
            vec!["XGROUP", "CREATE", "st", "cg", "0"],
            vec![
                "XREADGROUP",
                "GROUP",
                "cg",
                "c1",
                "COUNT",
                "1",
                "STREAMS",
                "st",
                ">",
            ],
        ] {
            assert!(!q(&mut s, &c).starts_with('-'), "{c:?}");
        }
        assert_eq!(q(&mut s, &["SAVE"]), "+OK");
        assert_eq!(info_field(&mut s, "rdb_changes_since_last_save"), "0");
        assert_eq!(info_field(&mut s, "rdb_saves"), "1");
        assert_eq!(
            q(&mut s, &["SAVE", "x"]),
            "-ERR wrong number of arguments for 'save' command"
        );
    }
    assert!(dir.join("dump.rdb").exists());
    let srv = start_in(&dir, &[]);
    let mut s = srv.connect();
    check(&mut s);
    assert_eq!(q(&mut s, &["DBSIZE"]), ":9");
    assert_eq!(info_field(&mut s, "rdb_last_load_keys_loaded"), "10");
    assert_eq!(
        q(&mut s, &["XRANGE", "st", "-", "+"]),
        "*2\n  *2\n    $\"5-1\"\n    *2\n      $\"f\"\n      $\"v\"\n  *2\n    $\"6-0\"\n    *2\n      $\"f\"\n      $\"y\""
    );
    assert_eq!(
        q(&mut s, &["XPENDING", "st", "cg", "-", "+", "10"])
            .lines()
            .nth(2),
        Some("    $\"5-1\"")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bgsave_and_save_points_write_in_the_background() {
    let dir = tmpdir("bgsave");
    {
        let mut srv = start_in(&dir, &[]);
        let mut s = srv.connect();
        fill(&mut s);
        assert_eq!(q(&mut s, &["BGSAVE", "now"]), "-ERR syntax error");
        assert_eq!(q(&mut s, &["BGSAVE"]), "+Background saving started");
        let deadline = Instant::now() + WAIT;
        while info_field(&mut s, "rdb_bgsave_in_progress") != "0" {
            assert!(Instant::now() < deadline, "BGSAVE never finished");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(info_field(&mut s, "rdb_last_bgsave_status"), "ok");
        assert_eq!(info_field(&mut s, "rdb_changes_since_last_save"), "0");
        // A save point ("1 second, 1 change") saves the next change by itself.
        assert_eq!(q(&mut s, &["CONFIG", "SET", "save", "1 1"]), "+OK");
        assert_eq!(q(&mut s, &["SET", "late", "1"]), "+OK");
        let deadline = Instant::now() + WAIT;
        while info_field(&mut s, "rdb_changes_since_last_save") != "0" {
            assert!(Instant::now() < deadline, "save point never fired");
            std::thread::sleep(Duration::from_millis(50));
        }
        s.write_all(b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n")
            .expect("write");
        assert_eq!(srv.wait_exit(WAIT), Some(0));
    }
    let srv = start_in(&dir, &["--save", ""]);
    let mut s = srv.connect();
    check(&mut s);
    assert_eq!(q(&mut s, &["GET", "late"]), "$\"1\"");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shutdown_saves_when_save_points_are_set() {
    let dir = tmpdir("shutdown");
    {
        let mut srv = start_in(&dir, &["--save", "3600 1"]);
        let mut s = srv.connect();
        fill(&mut s);
        assert_eq!(
            q(&mut s, &["SHUTDOWN", "SAVE", "NOSAVE"]),
            "-ERR syntax error"
        );
        s.write_all(b"*1\r\n$8\r\nSHUTDOWN\r\n").expect("write");
        assert_eq!(srv.wait_exit(WAIT), Some(0));
    }
    {
        let mut srv = start_in(&dir, &["--save", ""]);
        let mut s = srv.connect();
        check(&mut s);
        // Without save points SHUTDOWN does not save: this key is lost.
        assert_eq!(q(&mut s, &["SET", "unsaved", "1"]), "+OK");
        s.write_all(b"*1\r\n$8\r\nSHUTDOWN\r\n").expect("write");
        assert_eq!(srv.wait_exit(WAIT), Some(0));
    }
    let srv = start_in(&dir, &["--save", ""]);
    let mut s = srv.connect();
    assert_eq!(q(&mut s, &["EXISTS", "unsaved", "str"]), ":1");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failing_saves_are_reported_and_block_writes() {
    let dir = tmpdir("fail");
    let mut srv = start_in(&dir, &["--save", "3600 1"]);
    let mut s = srv.connect();
    assert_eq!(q(&mut s, &["SET", "k", "v"]), "+OK");
    // The working directory disappears: nothing can be written any more.
    std::fs::remove_dir_all(&dir).expect("rmdir");
    assert_eq!(q(&mut s, &["SAVE"]), "-ERR");
    assert_eq!(info_field(&mut s, "rdb_last_bgsave_status"), "ok");
    assert_eq!(q(&mut s, &["BGSAVE"]), "+Background saving started");
    let deadline = Instant::now() + WAIT;
    while info_field(&mut s, "rdb_bgsave_in_progress") != "0" {
        assert!(Instant::now() < deadline, "BGSAVE never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(info_field(&mut s, "rdb_last_bgsave_status"), "err");
    let misconf = "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
    assert_eq!(q(&mut s, &["SET", "k", "w"]), misconf);
    assert_eq!(q(&mut s, &["PING"]), misconf);
    assert_eq!(q(&mut s, &["GET", "k"]), "$\"v\"");
    let from_script = q(
        &mut s,
        &["EVAL", "return redis.pcall('set', 'k', 'x')['err']", "0"],
    );
    assert!(
        from_script.starts_with("$\"MISCONF Redis is configured to save RDB snapshots"),
        "{from_script}"
    );
    assert_eq!(
        q(&mut s, &["SHUTDOWN"]),
        "-ERR Errors trying to SHUTDOWN. Check logs."
    );
    // Writes come back once saving is not required any more.
    assert_eq!(
        q(
            &mut s,
            &["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"]
        ),
        "+OK"
    );
    assert_eq!(q(&mut s, &["SET", "k", "w"]), "+OK");
    s.write_all(b"*2\r\n$8\r\nSHUTDOWN\r\n$5\r\nFORCE\r\n")
        .expect("write");
    assert_eq!(srv.wait_exit(WAIT), Some(0));
}

#[test]
fn loads_a_file_written_by_redis() {
    let dir = tmpdir("golden");
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../redis-tests/golden/redis-7.0.15.rdb");
    std::fs::copy(&golden, dir.join("dump.rdb")).expect("copy golden");
    let srv = start_in(&dir, &["--save", ""]);
    let mut s = srv.connect();
    assert_eq!(q(&mut s, &["DBSIZE"]), ":16");
    assert_eq!(
        q(&mut s, &["XRANGE", "stream", "-", "+"]),
        "*2\n  *2\n    $\"1-1\"\n    *4\n      $\"a\"\n      $\"1\"\n      $\"b\"\n      $\"2\"\n  *2\n    $\"2-0\"\n    *2\n      $\"c\"\n      $\"5\""
    );
    assert_eq!(
        q(&mut s, &["XPENDING", "stream", "grp"]),
        "*4\n  :1\n  $\"1-1\"\n  $\"1-1\"\n  *1\n    *2\n      $\"alice\"\n      $\"1\""
    );
    let info = q(&mut s, &["XINFO", "STREAM", "stream"]);
    assert!(
        info.contains("$\"max-deleted-entry-id\"\n  $\"1-2\"")
            && info.contains("$\"entries-added\"\n  :3"),
        "{info}"
    );
    assert_eq!(q(&mut s, &["GET", "str"]), "$\"hello\"");
    assert_eq!(q(&mut s, &["GET", "neg"]), "$\"-7\"");
    assert_eq!(q(&mut s, &["STRLEN", "long"]), ":100");
    assert_eq!(q(&mut s, &["EXPIRETIME", "ttl"]), ":4102444800");
    assert_eq!(q(&mut s, &["LLEN", "biglist"]), ":200");
    assert_eq!(q(&mut s, &["LINDEX", "biglist", "-1"]), "$\"element-200\"");
    assert_eq!(
        q(&mut s, &["LRANGE", "list", "0", "-1"]),
        "*6\n  $\"a\"\n  $\"b\"\n  $\"c\"\n  $\"1\"\n  $\"2\"\n  $\"3\""
    );
    assert_eq!(
        q(&mut s, &["HGET", "bighash", "field-150"]),
        "$\"value-150\""
    );
    assert_eq!(q(&mut s, &["HLEN", "bighash"]), ":200");
    assert_eq!(q(&mut s, &["HGET", "hash", "f2"]), "$\"2\"");
    assert_eq!(q(&mut s, &["SCARD", "bigset"]), ":200");
    assert_eq!(
        q(&mut s, &["SMISMEMBER", "intset", "100000", "4"]),
        "*2\n  :1\n  :0"
    );
    assert_eq!(q(&mut s, &["ZSCORE", "bigzset", "member-7"]), "$\"7.5\"");
    assert_eq!(
        q(&mut s, &["ZRANGE", "zset", "0", "-1", "WITHSCORES"]),
        "*6\n  $\"c\"\n  $\"-3\"\n  $\"a\"\n  $\"1\"\n  $\"b\"\n  $\"2.5\""
    );
    assert_eq!(q(&mut s, &["PFCOUNT", "hll"]), ":4");
    assert_eq!(q(&mut s, &["FCALL_RO", "gold", "0"]), "$\"gold\"");
    assert_eq!(q(&mut s, &["SELECT", "5"]), "+OK");
    assert_eq!(q(&mut s, &["GET", "in-db-5"]), "$\"five\"");
    // DEBUG RELOAD writes and reads the dataset back.
    assert_eq!(q(&mut s, &["DEBUG", "RELOAD"]), "+OK");
    assert_eq!(q(&mut s, &["GET", "in-db-5"]), "$\"five\"");
    assert_eq!(
        q(&mut s, &["DEBUG", "RELOAD", "NOFLUSH", "NOSAVE"]),
        "-ERR Error trying to load the RDB dump"
    );
    assert_eq!(
        q(&mut s, &["DEBUG", "RELOAD", "MERGE", "NOFLUSH", "NOSAVE"]),
        "+OK"
    );
    assert_eq!(
        q(&mut s, &["DEBUG", "RELOAD", "BOGUS"]),
        "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."
    );
    assert_eq!(q(&mut s, &["SELECT", "0"]), "+OK");
    assert_eq!(q(&mut s, &["HLEN", "bighash"]), ":200");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_files_stop_start_up_cleanly() {
    let golden = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../redis-tests/golden/redis-7.0.15.rdb"),
    )
    .expect("golden");
    let mut flipped = golden.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    let mut future = golden.clone();
    future[5..9].copy_from_slice(b"0011");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("signature", b"NOTREDIS0010".to_vec()),
        ("truncated", golden[..golden.len() / 3].to_vec()),
        ("checksum", flipped),
        ("version", future),
        ("empty", Vec::new()),
    ];
    for (name, bytes) in cases {
        let dir = tmpdir(name);
        std::fs::write(dir.join("dump.rdb"), &bytes).expect("write");
        let d = dir.display().to_string();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rlua51-server"))
            .args([
                "--port",
                &common::free_port().to_string(),
                "--dir",
                &d,
                "--save",
                "",
            ])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{name}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
