"""
Fraud detection on a payment network: accounts are nodes, each transaction is a
directed edge (payer -> payee) with a fraud / legit label. A two-layer mean-
aggregation GNN produces account embeddings, and each transaction is scored
from the embeddings of its two endpoints.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
torch.set_num_threads(1)   # tiny graphs, threading only adds overhead

N_ACCOUNTS = 50
N_TX = 180
ACCT_FEATS = 8
HID = 32


def simulate_payments(n_accounts, n_tx, d):
    # a handful of "mule" accounts receive most of the fraudulent money
    is_mule = torch.zeros(n_accounts, dtype=torch.bool)
    is_mule[torch.randperm(n_accounts)[:6]] = True
    acct_x = torch.randn(n_accounts, d)
    acct_x[is_mule, 0] += 1.5                       # e.g. very young accounts

    payer = torch.randint(0, n_accounts, (n_tx,))
    payee = torch.randint(0, n_accounts, (n_tx,))
    fraud_tx = torch.rand(n_tx) < 0.1
    mule_ids = is_mule.nonzero().squeeze(1)
    payee[fraud_tx] = mule_ids[torch.randint(0, len(mule_ids), (int(fraud_tx.sum()),))]
    tx_label = fraud_tx.long()
    tx_edges = torch.stack([payer, payee])          # (2, n_tx)
    return acct_x, tx_edges, tx_label


def add_reverse_edges(edges):
    return torch.cat([edges, edges.flip(0)], dim=1)


def mean_aggregate(h, edges, n_nodes):
    src, dst = edges
    summed = torch.zeros(n_nodes, h.size(1)).index_add(0, dst, h[src])
    deg = torch.zeros(n_nodes).index_add(0, dst, torch.ones(dst.numel()))
    return summed / deg.clamp(min=1).unsqueeze(1)


class SageLayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.self_lin = nn.Linear(d_in, d_out)
        self.neigh_lin = nn.Linear(d_in, d_out, bias=False)

    def forward(self, h, edges):
        return self.self_lin(h) + self.neigh_lin(mean_aggregate(h, edges, h.size(0)))


class TxFraudNet(nn.Module):
    def __init__(self, d_in, d_hid):
        super().__init__()
        self.sage1 = SageLayer(d_in, d_hid)
        self.sage2 = SageLayer(d_hid, d_hid)
        self.edge_mlp = nn.Sequential(nn.Linear(2 * d_hid, d_hid), nn.ReLU(), nn.Linear(d_hid, 2))

    def forward(self, acct_x, mp_edges, scored_edges):
        h = F.relu(self.sage1(acct_x, mp_edges))
        h = self.sage2(h, mp_edges)
        payer, payee = scored_edges
        return self.edge_mlp(torch.cat([h[payer], h[payee]], dim=1))


def main():
    acct_x, tx_edges, tx_label = simulate_payments(N_ACCOUNTS, N_TX, ACCT_FEATS)
    print(f"accounts={N_ACCOUNTS} transactions={tx_edges.size(1)} fraud={int(tx_label.sum())}")

    # money flows both ways in terms of risk: let information pass in both directions
    tx_edges = add_reverse_edges(tx_edges)

    n_fraud = tx_label.sum().float()
    class_w = torch.tensor([1.0, (len(tx_label) - n_fraud) / n_fraud])

    model = TxFraudNet(ACCT_FEATS, HID)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    for epoch in range(100):
        model.train()
        opt.zero_grad()
        logits = model(acct_x, tx_edges, tx_edges)
        loss = F.cross_entropy(logits, tx_label, weight=class_w)
        loss.backward()
        opt.step()
        if epoch % 25 == 0:
            print(f"epoch {epoch:3d}  loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(acct_x, tx_edges, tx_edges).argmax(1)
    tp = ((pred == 1) & (tx_label == 1)).sum().item()
    recall = tp / max(int(tx_label.sum()), 1)
    print(f"fraud recall on training transactions: {recall:.3f}")


if __name__ == "__main__":
    main()
