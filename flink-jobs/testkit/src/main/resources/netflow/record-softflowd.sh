set -e
PC=/work/shared/data/pcap/nfstream/pcaps
for f in synscan 1kxun wechat; do
  for v in "5" "9" "10" "10b" "10ms"; do
    case $v in 5) a="-v 5";; 9) a="-v 9 -6";; 10) a="-v 10 -6";; 10b) a="-v 10 -b -6";; 10ms) a="-v 10 -6 -A milli";; esac
    out=$f.v$v
    rm -f port.txt; python3 record.py $out.dg port.txt 2> $out.recorder & while [ ! -s port.txt ]; do sleep 0.1; done
    P=$(cat port.txt)
    softflowd -d -r $PC/$f.pcap -n 127.0.0.1:$P $a -a -c none -p /tmp/i13rec/sf.pid > $out.softflowd.txt 2>&1
    wait
    echo "$out $(cat $out.recorder) $(grep 'Flows exported' $out.softflowd.txt)"
  done
done
