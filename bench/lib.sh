# Shared by the bench scripts (sourced; POSIX sh).  Run from the repo root.

BENCH_CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -Isrc -I.deps/llhttp/include"

# build_llhttp OUT: llhttp's C sources compiled into OUT/llhttp_*.o.
build_llhttp() {
  for f in .deps/llhttp/src/*.c; do cc $BENCH_CFLAGS -w -c "$f" -o "$1/llhttp_$(basename "$f" .c).o"; done
}

# wait_port_file FILE: waits (up to 10 s) until `twins serve --port-file FILE` has written its port.
wait_port_file() { for _ in $(seq 2000); do [ -s "$1" ] && return 0; sleep 0.005; done; return 1; }

# json_field a.b.c: reads JSON on stdin, prints the value at that dotted path.
json_field() {
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v[k];console.log(v)})' "$1"
}
