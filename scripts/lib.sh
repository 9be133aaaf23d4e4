# Shared by the scripts: timed steps.
# `step NAME CMD…` prints NAME, runs CMD and says how long it took, so a log
# of the test command shows where its minutes go.
step() {
  local name="$1"
  shift
  local t0=$SECONDS
  echo "==> $name"
  "$@"
  echo "    $name: $((SECONDS - t0)) s"
}
