// An example of plugging a team's own Go elector into leasesim (docs/models/client-go-real.md
// section 7): a naive "get, and take the lease if it looks expired" loop of the kind tutorials
// show, run under leasesim's virtual time and faults through the same harness as the real
// client-go elector.
//
// Build it next to its scenario and run the scenario:
//
//	go test -c -o own-elector.test ./examples/own-elector     (in go/client-go-real)
//	leasesim run go/client-go-real/examples/own-elector/scenario.yaml
//
// Any elector fits the same shape: take the Lease client from env.Leases (a
// coordination/v1 LeasesGetter), read timings from env.Duration, and report leadership with
// env.Started, env.Stopped, env.NewLeader, and the end of the program with env.Exit or env.Crash.
package ownelector

import (
	"context"
	"os"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"leasesim.dev/go/client-go-real/harness"
)

// leasesim runs the test named TestHelper.
func TestHelper(t *testing.T) {
	if os.Getenv("LEASESIM_IDENTITY") == "" {
		t.Skip("run by leasesim (model: client-go-real with config.helper), which sets LEASESIM_IDENTITY")
	}
	harness.Serve(t, naiveLoop)
}

func naiveLoop(ctx context.Context, env *harness.Env) {
	leases := env.Leases.Leases(env.Namespace)
	period := env.Duration("RETRY_PERIOD_NS")
	duration := env.Duration("LEASE_DURATION_NS")
	leading, holder := false, "?"
	stop := func(cause string) {
		if leading {
			leading = false
			env.Stopped(cause)
		}
	}
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				stop("stopped")
				env.Exit("stopped")
				return
			case <-time.After(period):
			}
		}
		now := time.Now()
		reqCtx, cancel := context.WithTimeout(ctx, period)
		lease, err := leases.Get(reqCtx, env.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			lease = &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: env.Name, Namespace: env.Namespace}}
			lease.Spec = spec(env.Identity, now, duration)
			lease, err = leases.Create(reqCtx, lease, metav1.CreateOptions{})
		case err == nil:
			h := ""
			if lease.Spec.HolderIdentity != nil {
				h = *lease.Spec.HolderIdentity
			}
			if h != holder {
				holder = h
				env.NewLeader(h)
			}
			// The naive rule: the lease is free when its renewTime plus its duration is past by
			// this process's wall clock (no observed-time bookkeeping, unlike client-go).
			expired := lease.Spec.RenewTime == nil || lease.Spec.RenewTime.Add(duration).Before(now)
			if h == env.Identity || expired {
				lease.Spec = spec(env.Identity, now, duration)
				lease, err = leases.Update(reqCtx, lease, metav1.UpdateOptions{})
			} else {
				err = errNotLeader
			}
		}
		cancel()
		if err != nil {
			stop("renewFailed")
			continue
		}
		_ = lease
		if holder != env.Identity {
			holder = env.Identity
			env.NewLeader(holder)
		}
		if !leading {
			leading = true
			env.Started()
		}
	}
}

type notLeader struct{}

func (notLeader) Error() string { return "another process holds the lease" }

var errNotLeader error = notLeader{}

func spec(identity string, now time.Time, duration time.Duration) coordinationv1.LeaseSpec {
	seconds := int32(duration / time.Second)
	t := metav1.NewMicroTime(now)
	return coordinationv1.LeaseSpec{HolderIdentity: &identity, LeaseDurationSeconds: &seconds, RenewTime: &t, AcquireTime: &t}
}
