//! `rlua51`: command-line interpreter compatible with `lua5.1`.
use lua51::{Lua, LuaError, Value};

fn report(l: &mut Lua, e: &LuaError) -> String {
    let v = l.error_value(e);
    match v {
        Value::Str(s) => s.to_str_lossy().into_owned(),
        Value::Nil => "nil".into(),
        other => format!("(error object is a {} value)", other.type_name()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut l = Lua::new_empty();
    lua51::stdlib::open_libs(&mut l).expect("open libs");
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a == "--list" {
            i += 1;
            let src = std::fs::read(&args[i]).expect("read");
            let mut name = b"@".to_vec();
            name.extend_from_slice(args[i].as_bytes());
            match lua51::listing::list_source(&mut l, &src, &name) {
                Ok(s) => print!("{}", s),
                Err(e) => eprintln!("rlua51: {}", e),
            }
            return;
        }
        if a == "-e" {
            i += 1;
            let src = args[i].clone();
            if let Err(e) = l.exec(src.as_bytes(), b"=(command line)") {
                eprintln!("rlua51: {}", report(&mut l, &e));
                std::process::exit(1);
            }
        } else {
            let name = a.clone();
            let f = match lua51::stdlib::base::load_file(&mut l, Some(name.as_bytes())) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("rlua51: {}", report(&mut l, &e));
                    std::process::exit(1);
                }
            };
            if let Err(e) = l.pcall(f, &[]) {
                eprintln!("rlua51: {}", report(&mut l, &e));
                std::process::exit(1);
            }
            break;
        }
        i += 1;
    }
}
