#!/usr/bin/env python3
"""CPU per thread of a `bench route` run over its measured burst (docs/PERFORMANCE.md).

Usage: [PHASE=latency] [PER_THREAD=1] bench/thread-cpu.py LOG CHECKOUT [bench route options...]
Runs `bin/pointsman bench route OPTIONS` in CHECKOUT with its output in LOG, reads every thread's
user + system time from /proc/PID/task/*/stat of the JVM when the warm-up is done and again when
the saturation burst is (with PHASE=latency: over the Poisson arrivals after the burst instead),
and prints each thread group's share (digits in names folded to N; Linux keeps the first 15
characters of a thread's name; PER_THREAD=1 keeps each thread apart, its id after the name, to
see whether two subtasks of one operator were both busy). Linux only, no dependencies.
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
latency=os.environ.get('PHASE')=='latency'
start,end=('at saturation','decisions/s    offered/s') if latency else ('queries done','at saturation')
# Threads may end before the end marker is printed (the job is cancelled before the latency
# table): keep each thread's latest reading while the window is open.
a=None; ta=0; b=collections.Counter(); tb=0
while p.poll() is None:
    txt=open(log).read()
    if a is None and start in txt:
        a=snap(java_pid()); ta=time.time()
    elif a is not None:
        now=snap(java_pid())
        if end in txt:
            break
        for k,v in now.items():
            b[k]=max(b[k],v)
        tb=time.time()
    time.sleep(0.2)
tot=collections.Counter()
for k,v in b.items():
    name=f"{k[1]} [{k[0]}]" if os.environ.get('PER_THREAD') else re.sub(r'\d+','N',k[1])
    tot[name]+=v-a.get(k,0)
s=sum(tot.values())
print(f"window {tb-ta:.1f}s, {s/100/(tb-ta):.2f} cores busy")
for n,v in tot.most_common(60):
    print(f"{v/s*100:5.1f}% {n}")
p.wait()
