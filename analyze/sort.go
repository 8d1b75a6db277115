package analyze

import "sort"

func sortStable(fs []Finding, less func(a, b *Finding) bool) {
	sort.SliceStable(fs, func(i, j int) bool { return less(&fs[i], &fs[j]) })
}
