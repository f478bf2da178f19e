"""Reliability table for probability-of-precipitation forecasts at a few stations."""
import torch

torch.manual_seed(11)

N_BINS = 20

# (station, issued probability of precipitation, observed rain 0/1)
FORECASTS = [
    ("BRM", 0.05, 0), ("BRM", 0.10, 0), ("BRM", 0.35, 1), ("BRM", 0.60, 1),
    ("BRM", 0.80, 1), ("BRM", 0.20, 0), ("BRM", 0.45, 0), ("BRM", 0.90, 1),
    ("KRL", 0.00, 0), ("KRL", 0.15, 0), ("KRL", 0.70, 1), ("KRL", 0.55, 0),
    ("KRL", 0.95, 1), ("KRL", 0.25, 1), ("KRL", 0.40, 0), ("KRL", 0.85, 1),
    ("OSK", 0.30, 0), ("OSK", 0.65, 1), ("OSK", 1.00, 1), ("OSK", 0.75, 1),
    ("OSK", 0.10, 0), ("OSK", 0.50, 1), ("OSK", 0.05, 0), ("OSK", 0.95, 1),
]


def bucket(p):
    return int(p * N_BINS)


def brier_score(probs, outcomes):
    return torch.mean((probs - outcomes) ** 2).item()


def reliability_table(probs, outcomes):
    counts = torch.zeros(N_BINS)
    hits = torch.zeros(N_BINS)
    prob_sum = torch.zeros(N_BINS)
    bins = [bucket(p) for p in probs.tolist()]
    for b, p, o in zip(bins, probs.tolist(), outcomes.tolist()):
        counts[b] += 1
        hits[b] += o
        prob_sum[b] += p
    return counts, hits, prob_sum


def print_table(counts, hits, prob_sum):
    print(f"{'bin':>9} {'n':>3} {'mean p':>7} {'obs freq':>8}")
    for b in range(N_BINS):
        if counts[b] == 0:
            continue
        lo, hi = b / N_BINS, (b + 1) / N_BINS
        mean_p = prob_sum[b] / counts[b]
        freq = hits[b] / counts[b]
        print(f"{lo:.2f}-{hi:.2f} {int(counts[b]):>3} {mean_p:>7.3f} {freq:>8.3f}")


def expected_calibration_error(counts, hits, prob_sum):
    mask = counts > 0
    gap = (prob_sum[mask] / counts[mask] - hits[mask] / counts[mask]).abs()
    return (gap * counts[mask]).sum().item() / counts.sum().item()


def main():
    stations = sorted({s for s, _, _ in FORECASTS})
    probs = torch.tensor([p for _, p, _ in FORECASTS])
    outcomes = torch.tensor([float(o) for _, _, o in FORECASTS])
    print(f"{len(FORECASTS)} forecasts from stations {', '.join(stations)}")
    print(f"Brier score: {brier_score(probs, outcomes):.4f}")
    counts, hits, prob_sum = reliability_table(probs, outcomes)
    print_table(counts, hits, prob_sum)
    print(f"ECE: {expected_calibration_error(counts, hits, prob_sum):.4f}")
    for station in stations:
        idx = torch.tensor([i for i, (s, _, _) in enumerate(FORECASTS) if s == station])
        print(f"{station}: Brier {brier_score(probs[idx], outcomes[idx]):.4f}")


if __name__ == "__main__":
    main()
