"""naive_loop.py: the read-compare-replace leader loop of popular Kubernetes Lease tutorials,
written by us against the official Python client (the `kubernetes` package), for leasesim's
live tests (`leasesim serve`).

Every LOOP_PERIOD seconds: read the Lease; if nobody holds it or its renewTime + duration has
passed by *this* machine's wall clock, replace it with ourselves as holder, conditional on the
resourceVersion just read. The holder does not renew early. Any API error (a 409 when another
replica won the race, a 404) raises and ends the process, as the tutorials' code does.

It prints "started leading" when a replace makes it the holder and "stopped leading" when an
iteration finds another holder. Identity and lease come from LEASESIM_IDENTITY and
LEASESIM_LEASE ("namespace/name"); the endpoint from KUBECONFIG. All set by `leasesim serve`.
"""
import datetime
import os
import sys
import time

from kubernetes import client, config


def main():
    identity = os.environ["LEASESIM_IDENTITY"]
    namespace, name = os.environ["LEASESIM_LEASE"].split("/", 1)
    loop_period = float(os.environ.get("LOOP_PERIOD", "1"))
    duration = int(os.environ.get("LEASE_SECONDS", "3"))
    config.load_kube_config()
    api = client.CoordinationV1Api()
    leading = False
    while True:
        lease = api.read_namespaced_lease(name, namespace)
        now = datetime.datetime.now(datetime.timezone.utc)
        spec = lease.spec
        expired = (
            not spec.holder_identity
            or spec.renew_time is None
            or now > spec.renew_time + datetime.timedelta(seconds=spec.lease_duration_seconds or duration)
        )
        if expired:
            spec.holder_identity = identity
            spec.renew_time = now
            spec.lease_duration_seconds = duration
            api.replace_namespaced_lease(name, namespace, lease)
            if not leading:
                print("started leading", flush=True)
            leading = True
        elif spec.holder_identity != identity and leading:
            print("stopped leading", flush=True)
            leading = False
        time.sleep(loop_period)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # the tutorials let the exception end the process
        print("naive-loop: %s: %s" % (type(error).__name__, error), file=sys.stderr, flush=True)
        sys.exit(1)
