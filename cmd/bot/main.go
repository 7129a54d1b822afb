// Command bot is Journey: a Slack-first bot that tells sales reps, their
// managers and customer-success reps where every customer is in their
// journey, why, and what to do next. See `bot help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/journeyhq/journey/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
