"""Poisson frequency model (GLM-style, fitted with torch) for personal auto, with an A/E report by territory."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

TERRITORY_PLAN = ["T01", "T02", "T03", "T04", "T05", "T06", "T07", "T08", "T09", "T10"]
WRITTEN_TERRITORIES = TERRITORY_PLAN[:9]
TRUE_REL = dict(zip(TERRITORY_PLAN, [0.8, 0.9, 1.0, 1.0, 1.1, 1.2, 1.25, 1.4, 1.6, 1.0]))
BASE_FREQ = 0.07

POLICY_DTYPE = np.dtype([
    ("policy_no", "U9"),
    ("territory", "U3"),
    ("driver_age", "f4"),
    ("vehicle_age", "f4"),
    ("exposure", "f4"),
    ("claim_count", "i4"),
])


@dataclass
class AERow:
    territory: str
    exposure: float
    actual: float
    expected: float

    @property
    def ae(self):
        return self.actual / self.expected if self.expected else float("nan")


def simulate_book(n, rng):
    book = np.zeros(n, dtype=POLICY_DTYPE)
    book["policy_no"] = [f"PA{i:07d}" for i in range(n)]
    book["territory"] = rng.choice(WRITTEN_TERRITORIES, n)
    book["driver_age"] = rng.uniform(18, 80, n)
    book["vehicle_age"] = rng.integers(0, 20, n)
    book["exposure"] = np.where(rng.random(n) < 0.2, rng.uniform(0.05, 1.0, n), 1.0)
    age_rel = np.where(book["driver_age"] < 25, 1.8, np.where(book["driver_age"] > 70, 1.3, 1.0))
    terr_rel = np.array([TRUE_REL[t] for t in book["territory"]])
    lam = BASE_FREQ * book["exposure"] * age_rel * terr_rel * np.exp(-0.01 * book["vehicle_age"])
    book["claim_count"] = rng.poisson(lam)
    return book


def design(book):
    terr_idx = np.array([TERRITORY_PLAN.index(t) for t in book["territory"]])
    age = (book["driver_age"] - 45.0) / 15.0
    num = np.stack([age, age ** 2, book["vehicle_age"] / 10.0], axis=1).astype(np.float32)
    return (
        torch.from_numpy(num),
        torch.from_numpy(terr_idx).long(),
        torch.from_numpy(np.log(book["exposure"])).float(),
        torch.from_numpy(book["claim_count"].astype(np.float32)),
    )


class FrequencyGLM(nn.Module):
    def __init__(self, n_num, n_terr):
        super().__init__()
        self.linear = nn.Linear(n_num, 1)
        self.terr = nn.Embedding(n_terr, 1)
        nn.init.zeros_(self.terr.weight)
        nn.init.constant_(self.linear.bias, float(np.log(BASE_FREQ)))

    def forward(self, num, terr, log_exposure):
        eta = self.linear(num).squeeze(1) + self.terr(terr).squeeze(1) + log_exposure
        return eta


def ae_by_territory(book, expected):
    rows = []
    for code in TERRITORY_PLAN:
        sel = book["territory"] == code
        w = book["exposure"][sel]
        actual_freq = np.average(book["claim_count"][sel] / book["exposure"][sel], weights=w)
        expected_freq = np.average(expected[sel] / book["exposure"][sel], weights=w)
        rows.append(AERow(code, float(w.sum()), float(actual_freq), float(expected_freq)))
    return rows


if __name__ == "__main__":
    torch.manual_seed(5)
    rng = np.random.default_rng(5)
    book = simulate_book(6000, rng)
    cut = 4500
    train_book, hold_book = book[:cut], book[cut:]
    print("train exposure:", round(float(train_book["exposure"].sum()), 1),
          "claims:", int(train_book["claim_count"].sum()))

    train_ds = TensorDataset(*design(train_book))
    loader = DataLoader(train_ds, batch_size=256, shuffle=True)
    model = FrequencyGLM(n_num=3, n_terr=len(TERRITORY_PLAN))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    poisson_nll = nn.PoissonNLLLoss(log_input=True)

    for epoch in range(8):
        total = 0.0
        for num, terr, log_exp, y in loader:
            loss = poisson_nll(model(num, terr, log_exp), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
        print(f"epoch {epoch} poisson deviance proxy {total / len(train_ds):.5f}")

    with torch.no_grad():
        h_num, h_terr, h_logexp, _ = design(hold_book)
        expected_counts = torch.exp(model(h_num, h_terr, h_logexp)).numpy()

    fitted_rel = torch.exp(model.terr.weight.squeeze(1) - model.terr.weight.mean()).detach().numpy()
    print("fitted territory relativities:", dict(zip(TERRITORY_PLAN, np.round(fitted_rel, 3))))

    report = ae_by_territory(hold_book, expected_counts)
    for r in report:
        print(f"{r.territory}  exp={r.exposure:8.1f}  actual={r.actual:.4f}  expected={r.expected:.4f}  A/E={r.ae:.3f}")
