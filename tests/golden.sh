# golden.sh - sourced by the tests that hold output to golden files
# (run-regress.sh, inventory-golden.sh): one TAP result of a file
# against its golden copy, or, with UPDATE=1, the golden copy rewritten
# (review the diff: any change must be a fix, said in the commit).

# golden_check NUM LABEL GOT EXP HINT: "ok NUM - LABEL" when GOT equals
# EXP, else "not ok" with the first lines of the diff as TAP comments;
# HINT (the make target that writes EXP) when there is no EXP yet.
golden_check() {
	if [ "${UPDATE:-0}" = 1 ]; then
		if cp "$3" "$4"; then
			echo "ok $1 - $2 # updated"
		else
			echo "not ok $1 - $2: cannot write $4"
		fi
	elif [ ! -f "$4" ]; then
		echo "not ok $1 - $2: no expected output $4 ($5)"
	elif cmp -s "$3" "$4"; then
		echo "ok $1 - $2"
	else
		echo "not ok $1 - $2: output differs"
		diff -u "$4" "$3" | head -20 | cut -c1-300 | sed 's/^/# /'
	fi
}
