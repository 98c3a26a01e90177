// Command gpx_mini is the smallest main package BuildPluginDist can build:
// the tests check where the binary lands, not what it does.
package main

import "fmt"

func main() { fmt.Println("mini plugin") }
