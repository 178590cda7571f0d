//! Criterion benches: request framing (pipelined SET/GET) and reply encoding.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use resp::{Limits, ParseStatus, Proto, ReplyWriter, RequestParser};

fn pipeline(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..n {
        let key = format!("key:{i:06}");
        v.extend_from_slice(
            format!(
                "*3\r\n$3\r\nSET\r\n${}\r\n{}\r\n$3\r\nxxx\r\n",
                key.len(),
                key
            )
            .as_bytes(),
        );
    }
    v
}

fn bench_parse(c: &mut Criterion) {
    let wire = pipeline(1000);
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("set_pipeline_1000", |b| {
        let mut p = RequestParser::new();
        b.iter(|| {
            let mut pos = 0;
            let mut total = 0;
            while let Ok(ParseStatus::Complete(n)) = p.parse(&wire[pos..], &Limits::default()) {
                total += p.args(&wire[pos..]).get(1).len();
                pos += n;
            }
            black_box(total)
        })
    });
    let inline: Vec<u8> = (0..1000)
        .flat_map(|i| format!("SET key:{i} value\r\n").into_bytes())
        .collect();
    g.bench_function("inline_1000", |b| {
        let mut p = RequestParser::new();
        b.iter(|| {
            let mut pos = 0;
            while let Ok(ParseStatus::Complete(n)) = p.parse(&inline[pos..], &Limits::default()) {
                pos += n;
            }
            black_box(pos)
        })
    });
    g.finish();
}

fn bench_encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("bulk_and_int_1000", |b| {
        let mut w = ReplyWriter::new(Proto::Resp2);
        b.iter(|| {
            w.buf.clear();
            for i in 0..1000i64 {
                w.bulk(b"value-of-some-key");
                w.int(i * 7919);
            }
            black_box(w.buf.len())
        })
    });
    g.bench_function("double_1000", |b| {
        let mut w = ReplyWriter::new(Proto::Resp3);
        b.iter(|| {
            w.buf.clear();
            for i in 0..1000 {
                w.double(i as f64 * 0.37);
            }
            black_box(w.buf.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_parse, bench_encode);
criterion_main!(benches);
