# Sourced by scripts/load.sh and scripts/load-path.sh: starts the prepared server and waits for it.
#
#   start_server BIN DATA RUN   # sets PORT and SERVER; the server's output goes to RUN/server.log
start_server() {
  local bin="$1" data="$2" run="$3"
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  # The demo campaign's clock (10/12/2023 09:00 Hanoi time, moving at real speed), so its survey is open.
  PARINDEX_METRICS_LISTEN="" "$bin" --data-dir "$data" serve --no-migrate --listen "127.0.0.1:$PORT" \
    --now 2023-12-10T09:00:00+07:00 >"$run/server.log" 2>&1 &
  SERVER=$!
  local ready_url="http://127.0.0.1:$PORT/readyz"
  for _ in $(seq 1 200); do
    python3 -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$ready_url" \
      >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the server did not start:"; cat "$run/server.log"; return 1
}
