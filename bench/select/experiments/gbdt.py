"""Experiment (session 6): does a boosted-trees model over the dense features (stacked on the logistic
score) rank the dev windows better, and does that survive choosing the threshold without the labels?

Input: /tmp/dense-<short>.tsv written by export-dense.ts (same folder). Needs numpy.
    python3 bench/select/experiments/gbdt.py
Prints per window (1) AUC and hindsight-threshold F1 of the logistic score, of trees stacked on it, of
trees on the dense features alone; (2) F1 with the threshold chosen on the last 20 % of history (models
trained on the first 80 %), then applied to the window with models trained on all history.
Small histogram GBDT: 32 quantile bins, depth 3, 150 trees, learning rate 0.1, logistic loss.
"""
import numpy as np
def load(short):
    with open(f'/tmp/dense-{short}.tsv') as f:
        hdr=f.readline().rstrip('\n').split('\t')
        data=[l.rstrip('\n').split('\t') for l in f]
    s=np.array([r[0] for r in data]); y=np.array([int(r[1]) for r in data],float); t=np.array([float(r[2]) for r in data])
    X=np.array([[float(v) for v in r[3:]] for r in data])
    return hdr[3:],s,y,t,X
def bins(X,nb=32):
    edges=[]; B=np.zeros(X.shape,np.int32)
    for j in range(X.shape[1]):
        q=np.unique(np.quantile(X[:,j],np.linspace(0,1,nb+1)[1:-1]))
        edges.append(q); B[:,j]=np.searchsorted(q,X[:,j],side='right')
    return B,edges
def apply_bins(X,edges):
    B=np.zeros(X.shape,np.int32)
    for j,q in enumerate(edges): B[:,j]=np.searchsorted(q,X[:,j],side='right')
    return B
def build_tree(B,g,hs,depth,nb=33,lam=1.0,minh=5.0):
    # returns list of nodes: (feat,thr,left,right) or leaf value
    nodes=[]
    def rec(idx,d):
        G=g[idx].sum(); H=hs[idx].sum()
        if d==depth or len(idx)<20:
            nodes.append(('leaf',-G/(H+lam))); return len(nodes)-1
        best=(0,None,None)
        base=G*G/(H+lam)
        for j in range(B.shape[1]):
            gh=np.bincount(B[idx,j],weights=g[idx],minlength=nb); hh=np.bincount(B[idx,j],weights=hs[idx],minlength=nb)
            cg=np.cumsum(gh)[:-1]; ch=np.cumsum(hh)[:-1]
            ok=(ch>=minh)&((H-ch)>=minh)
            gain=np.where(ok, cg**2/(ch+lam)+(G-cg)**2/(H-ch+lam)-base, -1)
            k=int(np.argmax(gain))
            if gain[k]>best[0]: best=(gain[k],j,k)
        if best[1] is None:
            nodes.append(('leaf',-G/(H+lam))); return len(nodes)-1
        j,k=best[1],best[2]
        me=len(nodes); nodes.append(None)
        l=rec(idx[B[idx,j]<=k],d+1); r=rec(idx[B[idx,j]>k],d+1)
        nodes[me]=('split',j,k,l,r); return me
    rec(np.arange(len(g)),0); return nodes
def pred_tree(nodes,B):
    out=np.zeros(len(B))
    def rec(n,idx):
        nd=nodes[n]
        if nd[0]=='leaf': out[idx]=nd[1]; return
        _,j,k,l,r=nd; m=B[idx,j]<=k; rec(l,idx[m]); rec(r,idx[~m])
    rec(0,np.arange(len(B))); return out
def gbdt(B,y,w,Bt,n=150,lr=0.1,depth=3):
    p0=np.log(y.mean()/(1-y.mean())); F=np.full(len(y),p0); Ft=np.full(len(Bt),p0)
    for i in range(n):
        p=1/(1+np.exp(-F)); g=(p-y)*w; hs=p*(1-p)*w
        tr=build_tree(B,g,hs,depth); F+=lr*pred_tree(tr,B); Ft+=lr*pred_tree(tr,Bt)
    return Ft
def auc(s,y):
    o=np.argsort(s); r=np.empty(len(s)); r[o]=np.arange(1,len(s)+1)
    P=y.sum(); N=len(y)-P; return (r[y==1].sum()-P*(P+1)/2)/(P*N)
def oracle_f1(s,y):
    o=np.argsort(-s); ys=y[o]; tp=np.cumsum(ys); k=np.arange(1,len(s)+1); P=y.sum()
    f=2*tp/(k+P); return f.max()
def best_thr(s,y):
    o=np.argsort(-s); ys=y[o]; tp=np.cumsum(ys); k=np.arange(1,len(s)+1); P=y.sum()
    f=2*tp/(k+P); i=int(np.argmax(f)); return s[o][i], f[i]

print('(1) window, AUC lr, AUC stack, AUC trees, oracle F1 lr, stack, trees')
res=[]
for short in ['xen','systemd','glibc','ovs','ovn','frr','util-linux','networkmanager','rpm','openvpn','dpdk']:
    cols,s,y,t,X=load(short)
    h=s=='h'; wn=s=='w'
    lrcol=X[:,0:0]
    # X lacks lr: reload lr column
    with open(f'/tmp/dense-{short}.tsv') as f:
        f.readline(); lr=np.array([float(l.split('\t')[3]) for l in f])
    Xd=X
    Bh,edges=bins(Xd[h]); Bw=apply_bins(Xd[wn],edges)
    st=gbdt(Bh,y[h],np.ones(h.sum()),Bw)
    Bh2,e2=bins(X[h][:,1:]); Bw2=apply_bins(X[wn][:,1:],e2)
    so=gbdt(Bh2,y[h],np.ones(h.sum()),Bw2)
    yw=y[wn]
    r=(short, round(auc(lr[wn],yw),3), round(auc(st,yw),3), round(auc(so,yw),3), round(oracle_f1(lr[wn],yw),3), round(oracle_f1(st,yw),3), round(oracle_f1(so,yw),3))
    print(r, flush=True); res.append(r)


print('(2) window, F1 lr, F1 stack (threshold from the last 20 % of history)')
out=[]
for short in ['xen','systemd','glibc','ovs','ovn','frr','util-linux','networkmanager','rpm','openvpn','dpdk']:
    cols,s,y,t,X=load(short); h=s=='h'; wn=s=='w'
    Xh,yh,th=X[h],y[h],t[h]; Xw,yw=X[wn],y[wn]
    cutv=np.quantile(th,0.8)
    tr=th<cutv; va=~tr
    # probabilities via rank->use raw scores; threshold by F1 on validation in score space, apply to window
    def run(cols_sel):
        Btr,e=bins(Xh[tr][:,cols_sel]); Bva=apply_bins(Xh[va][:,cols_sel],e)
        sv=gbdt(Btr,yh[tr],np.ones(tr.sum()),Bva)
        thr,f=best_thr(sv,yh[va])
        Bh,e2=bins(Xh[:,cols_sel]); Bw=apply_bins(Xw[:,cols_sel],e2)
        sw=gbdt(Bh,yh,np.ones(len(yh)),Bw)
        pred=sw>=thr; tp=(pred&(yw==1)).sum(); return 2*tp/(pred.sum()+yw.sum())
    allc=list(range(X.shape[1]))
    f_stack=run(allc)
    # lr only: threshold on lr column (OOF for history)
    thr,f=best_thr(Xh[va][:,0],yh[va]); pred=Xw[:,0]>=thr; tp=(pred&(yw==1)).sum(); f_lr=2*tp/(pred.sum()+yw.sum())
    print(short, round(f_lr,3), round(f_stack,3), flush=True); out.append((short,f_lr,f_stack))
nt=[o for o in out if o[0]!='dpdk']
print('mean10', round(np.mean([o[1] for o in nt]),3), round(np.mean([o[2] for o in nt]),3))
