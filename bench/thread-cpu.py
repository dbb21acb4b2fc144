#!/usr/bin/env python3
"""CPU per thread of a `bench route` run over its measured burst (docs/PERFORMANCE.md).

Usage: bench/thread-cpu.py LOG CHECKOUT [bench route options...]
Runs `bin/pointsman bench route OPTIONS` in CHECKOUT with its output in LOG, reads every thread's
user + system time from /proc/PID/task/*/stat of the JVM when the warm-up is done and again when
the saturation burst is, and prints each thread group's share (digits in names folded to N;
Linux keeps the first 15 characters of a thread's name). Linux only, no dependencies.
"""
import os,sys,time,subprocess,collections,re
log=sys.argv[1]; d=sys.argv[2]; args=sys.argv[3:]
p=subprocess.Popen(['bin/pointsman','bench','route']+args,cwd=d,stdout=open(log,'w'),stderr=subprocess.STDOUT)
def java_pid():
    out=subprocess.run(['pgrep','-f','pointsman.jar'],capture_output=True,text=True).stdout.split()
    return [int(x) for x in out]
def snap(pids):
    res=collections.Counter()
    for pid in pids:
        try:
            for t in os.listdir(f'/proc/{pid}/task'):
                try:
                    st=open(f'/proc/{pid}/task/{t}/stat').read()
                    comm=st[st.index('(')+1:st.rindex(')')]
                    f=st[st.rindex(')')+2:].split()
                    res[(t,comm)]+=int(f[11])+int(f[12])
                except Exception: pass
        except Exception: pass
    return res
a=None; ta=0
while p.poll() is None:
    txt=open(log).read()
    if a is None and 'warm-up of' in txt and 'done' in txt.split('warm-up of')[-1]:
        a=snap(java_pid()); ta=time.time()
    if a is not None and 'at saturation' in txt:
        b=snap(java_pid()); tb=time.time(); break
    time.sleep(0.05)
tot=collections.Counter()
for k,v in b.items():
    name=re.sub(r'\d+','N',k[1])
    tot[name]+=v-a.get(k,0)
s=sum(tot.values())
print(f"window {tb-ta:.1f}s, {s/100/(tb-ta):.2f} cores busy")
for n,v in tot.most_common(25):
    print(f"{v/s*100:5.1f}% {n}")
p.wait()
