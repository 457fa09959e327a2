// The client-go-real helper: the real k8s.io/client-go/tools/leaderelection (the version go.mod
// pins) with a LeaseLock, run inside a synctest bubble that leasesim drives
// (docs/models/client-go-real.md). leasesim builds it with `go test -c` and starts one per
// process incarnation; `go test` alone skips it.
//
// It is configured the way kube-controller-manager configures its elector
// (cmd/kube-controller-manager/app/controllermanager.go, leaderElectAndRun): a LeaseLock on the
// process's lease, the scenario's LeaseDuration / RenewDeadline / RetryPeriod and
// ReleaseOnCancel, and OnStoppedLeading exiting with status 1 when leadership is lost.
//go:debug randseednop=0

package clientgoreal

import (
	"context"
	"os"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"leasesim.dev/go/client-go-real/harness"
)

func TestHelper(t *testing.T) {
	if os.Getenv("LEASESIM_IDENTITY") == "" {
		t.Skip("run by leasesim (model: client-go-real), which sets LEASESIM_IDENTITY")
	}
	harness.Serve(t, runElector)
}

func runElector(ctx context.Context, env *harness.Env) {
	rejoin := env.Bool("REJOIN_AFTER_LOSS")
	for {
		lock := &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: env.Namespace, Name: env.Name},
			Client:     env.Leases,
			LockConfig: resourcelock.ResourceLockConfig{Identity: env.Identity},
		}
		leaderelection.RunOrDie(ctx, leaderelection.LeaderElectionConfig{
			Lock:            lock,
			LeaseDuration:   env.Duration("LEASE_DURATION_NS"),
			RenewDeadline:   env.Duration("RENEW_DEADLINE_NS"),
			RetryPeriod:     env.Duration("RETRY_PERIOD_NS"),
			ReleaseOnCancel: env.Bool("RELEASE_ON_CANCEL"),
			Name:            env.Name,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(leadCtx context.Context) {
					env.Started()
					// The application acts until its leader context ends.
					<-leadCtx.Done()
					// leadCtx is a child of Run's ctx: it ends with a graceful stop at once, or
					// when renew gives up (after the release, if one is configured).
					if ctx.Err() != nil {
						env.Stopped("stopped")
					} else {
						env.Stopped("renewFailed")
					}
				},
				OnStoppedLeading: func() {},
				OnNewLeader:      env.NewLeader,
			},
		})
		if ctx.Err() != nil {
			env.Exit("stopped")
			return
		}
		if !rejoin {
			env.Crash("exit(1): leaderelection lost")
			return
		}
	}
}
