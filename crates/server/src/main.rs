//! `rlua51-server`: a Redis 7.0.15 compatible server (see the crate docs in `lib.rs`).
//!
//! Usage: `rlua51-server [config-file] [--name value ...]`.

#[global_allocator]
static GLOBAL: server::alloc::CountingAlloc = server::alloc::CountingAlloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("-v")
        || args.first().map(String::as_str) == Some("--version")
    {
        println!(
            "rlua51-server v={} redis_version={} bits=64",
            server::server::RLUA51_VERSION,
            server::server::REDIS_VERSION
        );
        return;
    }
    if args.first().map(String::as_str) == Some("-h")
        || args.first().map(String::as_str) == Some("--help")
    {
        println!("Usage: rlua51-server [/path/to/redis.conf] [options]\n\nExamples:\n       rlua51-server (run the server with default conf)\n       rlua51-server /etc/redis/6379.conf\n       rlua51-server --port 7777\n       rlua51-server /etc/myredis.conf --loglevel verbose");
        return;
    }
    std::process::exit(server::start(&args));
}
