// Command fakekey prints fakekey templates expanded, for benchmark scripts
// that need a key-shaped value at run time without storing one:
//
//	go run ./bench/cmd/fakekey 'sk_live_{{alnum 40}}'
package main

import (
	"fmt"
	"os"

	"github.com/keyguard/keyguard/internal/fakekey"
)

func main() {
	if len(os.Args) != 2 || !fakekey.IsTemplate(os.Args[1]) {
		fmt.Fprintln(os.Stderr, "usage: fakekey TEMPLATE (with at least one {{...}} token)")
		os.Exit(2)
	}
	fmt.Println(fakekey.Expand(os.Args[1]))
}
