#!/bin/sh
# Prints strace's constant tables as Rust `Xlat` consts: each table dumped by a C program
# built against the configured strace source (its src/xlat/NAME.h, after the HEADERs that
# define the constants strace takes from the system), so values are the ones strace
# prints.
# usage: strace-xlat.sh STRACE_SRC_DIR [-i HEADER]... TABLE...
#        strace-xlat.sh --module RUST_FILE STRACE_SRC_DIR
#          regenerates RUST_FILE from the `// xlat: [-i HEADER]... TABLE...` line in it,
#          keeping the lines up to that one.
set -eu
if [ "${1:-}" = --module ]; then
  file=$2 src=$3
  spec=$(sed -n 's|^// xlat: ||p' "$file")
  {
    sed '/^\/\/ xlat: /q' "$file"
    echo
    echo 'use crate::decode::flags::Xlat;'
    echo
    # shellcheck disable=SC2086 # the spec is a list of words
    "$0" "$src" $spec | sed '${/^$/d}'
  } > "$file.new"
  mv "$file.new" "$file"
  exit
fi
src=$1; shift
includes=""
tables=""
while [ $# -gt 0 ]; do
  case $1 in
    -i) includes="$includes $2"; shift 2 ;;
    *) tables="$tables $1"; shift ;;
  esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  echo '#include "defs.h"'
  for h in $includes; do echo "#include <$h>"; done
  for t in $tables; do echo "#include \"xlat/$t.h\""; done
  cat <<'C'
#include <ctype.h>
static void dump(const char *name, const struct xlat *x)
{
	char up[256];
	size_t i;
	for (i = 0; name[i] && i < sizeof(up) - 1; i++)
		up[i] = toupper((unsigned char) name[i]);
	up[i] = 0;
	printf("pub const %s: Xlat = &[\n", up);
	for (i = 0; i < x->size; i++)
		if (x->data[i].str)
			printf("    (%#llx, \"%s\"),\n",
			       (unsigned long long) x->data[i].val, x->data[i].str);
	printf("];\n\n");
}
int main(void)
{
C
  for t in $tables; do echo "	dump(\"$t\", $t);"; done
  echo '	return 0;'
  echo '}'
} > "$tmp/dump.c"
s=$src/src
cc -DHAVE_CONFIG_H -I"$s/linux/x86_64" -I"$s/linux/generic" -I"$s" -I"$src" \
  -I"$s/bundled/linux/arch/x86/include/uapi" -I"$s/bundled/linux/include/uapi" \
  -w -o "$tmp/dump" "$tmp/dump.c" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
"$tmp/dump" | sed 's/(0, /(0, /; s/(0x0, /(0, /'
