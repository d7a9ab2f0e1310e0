# Records UDP datagrams: file = b"FPDG1\n" then per datagram: u32 big-endian length + bytes.
import socket, struct, sys, time
out, port_file = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
s.bind(("127.0.0.1", 0))
open(port_file, "w").write(str(s.getsockname()[1]))
s.settimeout(3.0)
n = 0
with open(out, "wb") as f:
    f.write(b"FPDG1\n")
    while True:
        try:
            d, _ = s.recvfrom(65535)
        except socket.timeout:
            break
        f.write(struct.pack(">I", len(d))); f.write(d); n += 1
print(n, "datagrams", file=sys.stderr)
