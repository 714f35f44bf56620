// Command ferretdb runs FerretDB 1.24 (MongoDB wire protocol) on its embedded SQLite backend.
//
// Why a program of our own: `go install github.com/FerretDB/FerretDB/cmd/ferretdb` panics for
// want of a version file, while the embeddable package builds cleanly from the module proxy.
// The project's infra script (tools/infra/infra.mjs) builds this once and caches the binary.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", ".data/ferretdb", "directory for the SQLite databases")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	// WAL with synchronous=NORMAL: a commit survives a crash of this process (kill -9), but the
	// last commits may be lost if the machine itself loses power. FULL fsyncs every insert,
	// which on these machines made each write wait for the disk. Production uses MongoDB.
	sync := flag.String("sqlite-synchronous", "normal", "SQLite synchronous pragma: off, normal, full or extra")
	pprofAddr := flag.String("pprof", os.Getenv("FERRETDB_PPROF"), "address to serve Go's /debug/pprof on (to profile the store under a bench); off when empty")
	flag.Parse()

	level := slog.LevelWarn
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "bad -log-level: %v\n", err)
		os.Exit(2)
	}
	switch *sync {
	case "off", "normal", "full", "extra":
	default:
		fmt.Fprintf(os.Stderr, "bad -sqlite-synchronous: %q\n", *sync)
		os.Exit(2)
	}
	// Half as many GC cycles as Go's default (the heap is small; GC was ~7 % of the server's CPU
	// under load). GOGC in the environment still decides when set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		logger.Error("data dir", "err", err)
		os.Exit(1)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		logger.Error("data dir", "err", err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(" + *sync + ")",
	})
	if err != nil {
		logger.Error("start", "err", err)
		os.Exit(1)
	}

	if *pprofAddr != "" {
		go func() {
			logger.Warn("pprof", "err", http.ListenAndServe(*pprofAddr, nil))
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	// The infra script waits for this line (and then for a real ping over the wire).
	fmt.Printf("ferretdb listening on %s, data in %s\n", f.MongoDBURI(), abs)
	<-done
}
