// go-elector: a small program of ours around the real k8s.io/client-go leader election
// (tools/leaderelection with a LeaseLock), used by leasesim's live tests: `leasesim serve`
// starts three of them against its HTTP API server, kills and partitions the leader, and
// compares what it measures with the client-go-elector model.
//
// It reads its endpoint from KUBECONFIG and its identity and lease from LEASESIM_IDENTITY and
// LEASESIM_LEASE ("namespace/name"), both set by serve. It prints one line per leadership
// event, which the scenario's leaderPattern and followerPattern match:
//   "started leading", "stopped leading", "new leader: <identity>".
// When leadership is lost it exits 1, as kube-controller-manager does in OnStoppedLeading.
// SIGTERM cancels the election context (with --release-on-cancel the lease is released).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

func main() {
	leaseDuration := flag.Duration("lease-duration", 4*time.Second, "LeaseDuration")
	renewDeadline := flag.Duration("renew-deadline", 3*time.Second, "RenewDeadline")
	retryPeriod := flag.Duration("retry-period", time.Second, "RetryPeriod")
	release := flag.Bool("release-on-cancel", false, "ReleaseOnCancel")
	flag.Parse()

	identity := os.Getenv("LEASESIM_IDENTITY")
	lease := os.Getenv("LEASESIM_LEASE")
	parts := strings.SplitN(lease, "/", 2)
	if identity == "" || len(parts) != 2 {
		fmt.Fprintln(os.Stderr, "go-elector: LEASESIM_IDENTITY and LEASESIM_LEASE=namespace/name must be set")
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-elector: kubeconfig:", err)
		os.Exit(2)
	}
	// The per-request timeout client-go's own NewFromKubeconfig would set: max(1s, RD/2).
	timeout := *renewDeadline / 2
	if timeout < time.Second {
		timeout = time.Second
	}
	config.Timeout = timeout
	client := kubernetes.NewForConfigOrDie(config)
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: parts[0], Name: parts[1]},
		Client:     client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: identity},
	}
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		fmt.Println("go-elector: terminating")
		cancel()
	}()
	leaderelection.RunOrDie(ctx, leaderelection.LeaderElectionConfig{
		Lock:            lock,
		LeaseDuration:   *leaseDuration,
		RenewDeadline:   *renewDeadline,
		RetryPeriod:     *retryPeriod,
		ReleaseOnCancel: *release,
		Name:            parts[1],
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(context.Context) { fmt.Println("started leading") },
			OnStoppedLeading: func() {
				fmt.Println("stopped leading")
				if ctx.Err() == nil {
					os.Exit(1)
				}
			},
			OnNewLeader: func(id string) { fmt.Println("new leader:", id) },
		},
	})
}
