package main

// main is a placeholder so that the package compiles; the CLI replaces it.
func main() {}
