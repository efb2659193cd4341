"""The local AWS of the test rig: moto and the CodeCommit stand-in, in one process.

Run it with the python of the rig's virtualenv (scripts/local-aws install):

    python tests/rig/local_aws.py --moto-port 0 --codecommit-port 0 \
        --ready-file /tmp/ready.json --exit-on-stdin-eof

Both servers listen on 127.0.0.1 only (port 0 = a free port). Once both accept
connections, the ready file is written atomically as {"moto": port, "codecommit": port}
and the same ports are printed on stdout. `POST /moto-api/reset` on the moto port clears
moto and the stand-in together (the stand-in also answers it on its own port).
With --proxy-port N the fault-injecting proxy (fault_proxy.py) is started too, in front of
both; the ready file and the stdout line then also carry "proxy": port, and a reset (on
the moto port or through the proxy) also clears the proxy's rules, log and role times.
With --exit-on-stdin-eof the process exits when its standard input closes, so a test
harness that dies cannot leave servers behind. SIGTERM and SIGINT stop it too.
"""

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading

# Set before moto is imported: the rig always wants AWS-managed IAM policies and ECS
# services that become stable.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
os.environ.setdefault("MOTO_ECS_SERVICE_RUNNING", "1")
# moto's own default account, made explicit: without it every request looks the access
# key up in the IAM backends of all six partitions, each of which then loads the 1582
# managed policies, and every reset rebuilds all six (about 1 s per test instead of 0.1 s).
os.environ.setdefault("MOTO_ACCOUNT_ID", "123456789012")

from moto.moto_api._internal.models import moto_api_backend  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import codecommit_standin  # noqa: E402
import fault_proxy  # noqa: E402
import moto_fixes  # noqa: E402

moto_fixes.apply()


def fail(message):
    print(f"local_aws: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def bind(what, port, make):
    try:
        return make(port)
    except OSError as e:
        fail(f"cannot listen on 127.0.0.1:{port} for {what}: {e.strerror or e}")


def accepts(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        return True


def write_atomically(path, text):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moto-port", type=int, default=0)
    parser.add_argument("--codecommit-port", type=int, default=0)
    parser.add_argument("--proxy-port", type=int,
                        help="also start the fault-injecting proxy on this port (0 = a free port)")
    parser.add_argument("--ready-file")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="log every moto request")
    args = parser.parse_args()
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    # make_server is called here rather than through moto's ThreadedMotoServer, whose
    # start() waits forever when its thread fails to bind.
    moto = bind("moto", args.moto_port, lambda port: make_server(
        "127.0.0.1", port, DomainDispatcherApplication(create_backend_app), threaded=True,
        request_handler=MotoRequestHandler))
    moto_port = moto.server_address[1]
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    standin = codecommit_standin.CodeCommitStandIn(
        account_id=os.environ["MOTO_ACCOUNT_ID"],
        delivery=codecommit_standin.EventDelivery(f"http://127.0.0.1:{moto_port}"))
    codecommit = bind("the CodeCommit stand-in", args.codecommit_port,
                      lambda port: codecommit_standin.make_server(port, standin, region))
    codecommit_port = codecommit.server_address[1]
    servers = [moto, codecommit]
    faults = None
    if args.proxy_port is not None:
        faults = fault_proxy.FaultProxy(f"http://127.0.0.1:{moto_port}",
                                        f"http://127.0.0.1:{codecommit_port}")
        servers.append(bind("the fault proxy", args.proxy_port,
                            lambda port: fault_proxy.make_server(port, faults)))

    # One reset for the harness: moto's reset endpoint calls this instance's reset().
    # It clears the proxy too, so that no test inherits another's rules whichever port
    # it resets through.
    moto_reset = moto_api_backend.reset

    def reset_all():
        moto_reset()
        standin.reset()
        if faults:
            faults.reset()
    moto_api_backend.reset = reset_all

    stop = threading.Event()
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.exit_on_stdin_eof:
        def watch_stdin():
            while sys.stdin.buffer.read1(65536):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, daemon=True).start()

    ports = {"moto": moto_port, "codecommit": codecommit_port}
    if faults:
        ports["proxy"] = servers[2].server_address[1]
    for port in ports.values():
        accepts(port)
    if args.ready_file:
        write_atomically(args.ready_file, json.dumps(ports) + "\n")
    try:
        print(json.dumps(ports), flush=True)
    except OSError:
        pass  # a harness that closed our stdout still gets the ready file

    while not stop.wait(0.5):
        pass
    standin.close()
    # Request threads may still be busy; nothing they hold needs a clean shutdown.
    os._exit(0)


if __name__ == "__main__":
    main()
