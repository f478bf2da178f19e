"""Card-fraud scoring from per-account velocity features.

For every account we take its recent card authorisations, keep the approved
ones, and compute rolling spend / count over a one-hour window ending at each
approved transaction.  A small GRU reads the feature sequence and scores the
account for fraud.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence

WINDOW_SECONDS = 3600.0
N_ACCOUNTS = 8
AUTHS_PER_ACCOUNT = 14


def simulate_authorisations(seed=11):
    gen = torch.Generator().manual_seed(seed)
    accounts = []
    for acct in range(N_ACCOUNTS):
        gaps = torch.rand(AUTHS_PER_ACCOUNT, generator=gen) * 1800.0
        auth_ts = torch.cumsum(gaps, dim=0) + 8 * 3600.0
        amount = torch.exp(torch.randn(AUTHS_PER_ACCOUNT, generator=gen) + 3.0)
        # issuer response: 1 = approved, 0 = declined
        approved = (torch.rand(AUTHS_PER_ACCOUNT, generator=gen) > 0.25).long()
        is_fraud = float(acct % 3 == 0)
        if is_fraud:
            amount[-4:] *= 6.0
        accounts.append({"auth_ts": auth_ts, "amount": amount,
                         "approved": approved, "is_fraud": is_fraud})
    return accounts


def velocity_features(auth_ts, amount, approved):
    keep = approved.bool()
    ok_time = auth_ts[keep]
    ok_amt = amount[keep]
    n_auth = auth_ts.shape[0]
    feats = []
    for i in range(n_auth):
        lo = ok_time[i] - WINDOW_SECONDS
        in_win = (ok_time >= lo) & (ok_time <= ok_time[i])
        spend_1h = ok_amt[in_win].sum()
        count_1h = in_win.sum().float()
        feats.append(torch.stack([
            torch.log1p(ok_amt[i]),
            torch.log1p(spend_1h),
            count_1h / 10.0,
        ]))
    return torch.stack(feats)


class VelocityGRU(nn.Module):
    def __init__(self, n_feat=3, hidden=16):
        super().__init__()
        self.gru = nn.GRU(n_feat, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, seqs, lengths):
        packed = pack_padded_sequence(seqs, lengths, batch_first=True, enforce_sorted=False)
        _, h_last = self.gru(packed)
        return self.out(h_last[-1]).squeeze(-1)


def build_batch(accounts):
    seqs, lengths, targets = [], [], []
    for acct in accounts:
        f = velocity_features(acct["auth_ts"], acct["amount"], acct["approved"])
        seqs.append(f)
        lengths.append(f.shape[0])
        targets.append(acct["is_fraud"])
    padded = pad_sequence(seqs, batch_first=True)
    return padded, torch.tensor(lengths), torch.tensor(targets)


def main():
    torch.manual_seed(0)
    accounts = simulate_authorisations()
    train_accts, test_accts = accounts[:6], accounts[6:]

    x_train, len_train, y_train = build_batch(train_accts)
    x_test, len_test, y_test = build_batch(test_accts)
    print("train batch", tuple(x_train.shape), "lengths", len_train.tolist())

    model = VelocityGRU()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    crit = nn.BCEWithLogitsLoss()

    for step in range(40):
        opt.zero_grad()
        loss = crit(model(x_train, len_train), y_train)
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")

    with torch.no_grad():
        p = torch.sigmoid(model(x_test, len_test))
    for prob, y in zip(p.tolist(), y_test.tolist()):
        print(f"fraud prob {prob:.3f}  label {int(y)}")


if __name__ == "__main__":
    main()
