//! The package library: `require`, `module`, `package.path`/`cpath`/`loaded`/`preload`/
//! `loaders`/`seeall`, with 5.1's search order and messages. Native (C) modules cannot be
//! loaded by design: a found C library reports a clear error.

use super::base::{load_file, upvalue};
use crate::error::{LuaError, LuaResult};
use crate::table::TableRef;
use crate::value::Value;
use crate::vm::Lua;

/// LUA_PATH_DEFAULT as Debian's lua5.1 has it.
const PATH_DEFAULT: &str = "./?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua;/usr/local/lib/lua/5.1/?.lua;/usr/local/lib/lua/5.1/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua";
/// LUA_CPATH_DEFAULT as Debian's lua5.1 has it.
const CPATH_DEFAULT: &str = "./?.so;/usr/local/lib/lua/5.1/?.so;/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;/usr/lib/lua/5.1/?.so;/usr/local/lib/lua/5.1/loadall.so";

pub fn open(l: &mut Lua) -> LuaResult<()> {
    let pkg = l.new_table()?;
    let loaders = l.new_table()?;
    let fs: [(&'static str, crate::func::NativeFn); 4] = [
        ("preload", loader_preload),
        ("lua", loader_lua),
        ("c", loader_c),
        ("croot", loader_croot),
    ];
    for (i, (name, f)) in fs.iter().enumerate() {
        let v = l.new_native_with(
            name,
            crate::func::NativeKind::Fn(*f),
            vec![Value::Table(pkg)],
        )?;
        l.raw_set(loaders, Value::Num(i as f64 + 1.0), v)?;
    }
    set(l, pkg, "loaders", Value::Table(loaders))?;
    let path = env_path("LUA_PATH", PATH_DEFAULT);
    let v = l.str_value(path.as_bytes())?;
    set(l, pkg, "path", v)?;
    let cpath = env_path("LUA_CPATH", CPATH_DEFAULT);
    let v = l.str_value(cpath.as_bytes())?;
    set(l, pkg, "cpath", v)?;
    let v = l.str_value(b"/\n;\n?\n!\n-")?;
    set(l, pkg, "config", v)?;
    let loaded = l.new_table()?;
    set(l, pkg, "loaded", Value::Table(loaded))?;
    let preload = l.new_table()?;
    set(l, pkg, "preload", Value::Table(preload))?;
    let seeall = l.new_native("seeall", seeall)?;
    set(l, pkg, "seeall", seeall)?;
    let v = l.new_native_with("loadlib", crate::func::NativeKind::Fn(loadlib), vec![])?;
    set(l, pkg, "loadlib", v)?;
    l.set_global("package", Value::Table(pkg))?;
    let req = l.new_native_with(
        "require",
        crate::func::NativeKind::Fn(require),
        vec![Value::Table(pkg)],
    )?;
    l.set_global("require", req)?;
    let module = l.new_native_with(
        "module",
        crate::func::NativeKind::Fn(module),
        vec![Value::Table(pkg)],
    )?;
    l.set_global("module", module)?;
    // Libraries opened so far are "loaded".
    let g = l.globals();
    for name in [
        "_G",
        "coroutine",
        "string",
        "table",
        "math",
        "io",
        "os",
        "debug",
        "package",
    ] {
        let k = l.new_str(name.as_bytes())?;
        let v = if name == "_G" {
            Value::Table(g)
        } else {
            g.get_str(k)
        };
        if !v.is_nil() {
            l.raw_set(loaded, Value::Str(k), v)?;
        }
    }
    Ok(())
}

/// A path from the environment, with `;;` standing for the default.
fn env_path(var: &str, default: &str) -> String {
    match std::env::var(var) {
        Ok(p) => p.replace(";;", &format!(";{};", default)),
        Err(_) => default.to_string(),
    }
}

fn set(l: &mut Lua, t: TableRef, k: &str, v: Value) -> LuaResult<()> {
    let key = l.new_str(k.as_bytes())?;
    l.raw_set(t, Value::Str(key), v)
}

fn get(l: &mut Lua, t: TableRef, k: &str) -> LuaResult<Value> {
    let key = l.new_str(k.as_bytes())?;
    Ok(t.get_str(key))
}

fn pkg_table(l: &Lua) -> TableRef {
    match upvalue(l, 0) {
        Value::Table(t) => t,
        _ => unreachable!("package functions keep the package table"),
    }
}

/// Searches `path` (templates separated by `;`) for `name`; returns the file or the
/// `\n\tno file '...'` list.
fn search_path(name: &[u8], path: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let name: Vec<u8> = name
        .iter()
        .map(|&c| if c == b'.' { b'/' } else { c })
        .collect();
    let mut tried = Vec::new();
    for tmpl in path.split(|&c| c == b';') {
        if tmpl.is_empty() {
            continue;
        }
        let mut file = Vec::new();
        for &c in tmpl {
            if c == b'?' {
                file.extend_from_slice(&name);
            } else {
                file.push(c);
            }
        }
        let p = String::from_utf8_lossy(&file).into_owned();
        if std::fs::File::open(&p).is_ok() {
            return Ok(file);
        }
        tried.extend_from_slice(b"\n\tno file '");
        tried.extend_from_slice(&file);
        tried.push(b'\'');
    }
    Err(tried)
}

fn loader_preload(l: &mut Lua) -> LuaResult<usize> {
    let name = l.check_str(1)?;
    let pkg = pkg_table(l);
    let preload = get(l, pkg, "preload")?;
    let Value::Table(preload) = preload else {
        return Err(l.error("'package.preload' must be a table"));
    };
    let v = preload.get_str(name);
    if v.is_nil() {
        let msg = format!("\n\tno field package.preload['{}']", name.to_str_lossy());
        l.push_str(msg.as_bytes())?;
    } else {
        l.push(v)?;
    }
    Ok(1)
}

fn loader_lua(l: &mut Lua) -> LuaResult<usize> {
    let name = l.check_str(1)?;
    let pkg = pkg_table(l);
    let path = match get(l, pkg, "path")? {
        Value::Str(s) => s.as_bytes().to_vec(),
        _ => return Err(l.error("'package.path' must be a string")),
    };
    match search_path(name.as_bytes(), &path) {
        Ok(file) => match load_file(l, Some(&file)) {
            Ok(f) => {
                l.push(f)?;
                Ok(1)
            }
            Err(e) => {
                let v = l.error_value(&e);
                let m = match v {
                    Value::Str(s) => s.to_str_lossy().into_owned(),
                    _ => String::new(),
                };
                Err(l.error(format!(
                    "error loading module '{}' from file '{}':\n\t{}",
                    name.to_str_lossy(),
                    String::from_utf8_lossy(&file),
                    m
                )))
            }
        },
        Err(tried) => {
            l.push_str(&tried)?;
            Ok(1)
        }
    }
}

fn c_loader_common(l: &mut Lua, root: bool) -> LuaResult<usize> {
    let name = l.check_str(1)?;
    let pkg = pkg_table(l);
    let cpath = match get(l, pkg, "cpath")? {
        Value::Str(s) => s.as_bytes().to_vec(),
        _ => return Err(l.error("'package.cpath' must be a string")),
    };
    let search: Vec<u8> = if root {
        let n = name.as_bytes();
        match n.iter().position(|&c| c == b'.') {
            Some(i) => n[..i].to_vec(),
            None => {
                // 5.1's all-in-one loader only handles dotted names.
                return Ok(0);
            }
        }
    } else {
        name.as_bytes().to_vec()
    };
    match search_path(&search, &cpath) {
        Ok(file) => Err(l.error(format!(
            "error loading module '{}' from file '{}':\n\tnative C modules cannot be loaded by rlua51",
            name.to_str_lossy(),
            String::from_utf8_lossy(&file)
        ))),
        Err(tried) => {
            l.push_str(&tried)?;
            Ok(1)
        }
    }
}

fn loader_c(l: &mut Lua) -> LuaResult<usize> {
    c_loader_common(l, false)
}

fn loader_croot(l: &mut Lua) -> LuaResult<usize> {
    c_loader_common(l, true)
}

fn loadlib(l: &mut Lua) -> LuaResult<usize> {
    l.check_str(1)?;
    l.check_str(2)?;
    l.push(Value::Nil)?;
    l.push_str(b"dynamic libraries not enabled; check your Lua installation")?;
    l.push_str(b"absent")?;
    Ok(3)
}

fn require(l: &mut Lua) -> LuaResult<usize> {
    let name = l.check_str(1)?;
    let pkg = pkg_table(l);
    let Value::Table(loaded) = get(l, pkg, "loaded")? else {
        return Err(l.error("'package.loaded' must be a table"));
    };
    // A light userdata marks a module being loaded (5.1's sentinel).
    const SENTINEL: Value = Value::LightUserData(0x5e17);
    let existing = loaded.get_str(name);
    if existing.truthy() {
        if existing.raw_eq(&SENTINEL) {
            return Err(l.error(format!(
                "loop or previous error loading module '{}'",
                name.to_str_lossy()
            )));
        }
        l.push(existing)?;
        return Ok(1);
    }
    let Value::Table(loaders) = get(l, pkg, "loaders")? else {
        return Err(l.error("'package.loaders' must be a table"));
    };
    let mut msg = Vec::new();
    let mut i = 1;
    let loader = loop {
        let f = loaders.get_int(i);
        if f.is_nil() {
            return Err(l.error(format!(
                "module '{}' not found:{}",
                name.to_str_lossy(),
                String::from_utf8_lossy(&msg)
            )));
        }
        let r = l.call1(f, &[Value::Str(name)])?;
        match r {
            Value::LuaFn(_) | Value::Native(_) => break r,
            Value::Str(s) => msg.extend_from_slice(s.as_bytes()),
            _ => {}
        }
        i += 1;
    };
    l.raw_set(loaded, Value::Str(name), SENTINEL)?;
    let res = l.call1(loader, &[Value::Str(name)])?;
    if !res.is_nil() {
        l.raw_set(loaded, Value::Str(name), res)?;
    }
    if loaded.get_str(name).raw_eq(&SENTINEL) {
        l.raw_set(loaded, Value::Str(name), Value::Bool(true))?;
    }
    let v = loaded.get_str(name);
    l.push(v)?;
    Ok(1)
}

/// Finds or creates the table for a dotted module name in the globals.
fn find_table(l: &mut Lua, name: &[u8]) -> LuaResult<Option<TableRef>> {
    let mut t = l.globals();
    for part in name.split(|&c| c == b'.') {
        let k = l.new_str(part)?;
        match t.get_str(k) {
            Value::Nil => {
                let nt = l.new_table()?;
                l.raw_set(t, Value::Str(k), Value::Table(nt))?;
                t = nt;
            }
            Value::Table(nt) => t = nt,
            _ => return Ok(None),
        }
    }
    Ok(Some(t))
}

fn module(l: &mut Lua) -> LuaResult<usize> {
    let name = l.check_str(1)?;
    let pkg = pkg_table(l);
    let Value::Table(loaded) = get(l, pkg, "loaded")? else {
        return Err(l.error("'package.loaded' must be a table"));
    };
    let m = match loaded.get_str(name) {
        Value::Table(t) => t,
        _ => {
            let Some(t) = find_table(l, name.as_bytes())? else {
                return Err(l.error(format!(
                    "name conflict for module '{}'",
                    name.to_str_lossy()
                )));
            };
            l.raw_set(loaded, Value::Str(name), Value::Table(t))?;
            t
        }
    };
    if get(l, m, "_NAME")?.is_nil() {
        set(l, m, "_M", Value::Table(m))?;
        set(l, m, "_NAME", Value::Str(name))?;
        let n = name.as_bytes();
        let pkgname = match n.iter().rposition(|&c| c == b'.') {
            Some(i) => &n[..=i],
            None => &n[..0],
        };
        let v = l.str_value(pkgname)?;
        set(l, m, "_PACKAGE", v)?;
    }
    // The calling function's environment becomes the module.
    let fi = l.frames.len() as i64 - 2;
    if fi >= 1 {
        match l.frame_closure(fi as usize) {
            Some(Value::LuaFn(c)) => c.env.set(m),
            _ => return Err(l.error("'module' not called from a Lua function")),
        }
    }
    for i in 2..=l.nargs() {
        let opt = l.arg(i);
        l.call(opt, &[Value::Table(m)])?;
    }
    let _ = LuaError::Memory;
    Ok(0)
}

fn seeall(l: &mut Lua) -> LuaResult<usize> {
    let t = l.check_table(1)?;
    let mt = match t.metatable() {
        Some(mt) => mt,
        None => {
            let mt = l.new_table()?;
            t.get_mut().metatable = Some(mt);
            mt
        }
    };
    let g = l.globals();
    set(l, mt, "__index", Value::Table(g))?;
    Ok(0)
}
