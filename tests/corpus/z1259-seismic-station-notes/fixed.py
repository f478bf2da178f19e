"""Route seismograph station field reports to the right crew (power, sensor,
telemetry) using a small bidirectional GRU over the report words."""
from functools import partial, reduce
from itertools import chain

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(21)

ENCODER_CFG = {"emb_dim": 20, "hidden": 32, "bidirectional": True}
CREWS = ["power", "sensor", "telemetry"]

REPORTS = [
    ("solar panel cracked battery voltage dropping overnight", "power"),
    ("charge controller fault light on batteries at eleven volts", "power"),
    ("broadband seismometer mass centering drifting after frost", "sensor"),
    ("vault flooded sensor leveling off by two degrees", "sensor"),
    ("satellite modem losing lock packets dropped since tuesday", "telemetry"),
    ("radio link to hub noisy antenna mount loose after storm", "telemetry"),
    ("generator fuel low inverter tripping at dusk", "power"),
    ("gps clock lost sync timestamps jumping on waveform data", "telemetry"),
]


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), fns, x)


def build_vocab(texts):
    words = sorted(set(chain.from_iterable(t.split() for t in texts)))
    return {w: i + 1 for i, w in enumerate(words)}  # 0 is padding


def make_featurizer(vocab):
    to_ids = lambda text: torch.tensor([vocab.get(w, 0) for w in text.split()])
    def featurize(batch_texts):
        seqs = list(map(to_ids, batch_texts))
        lengths = torch.tensor(list(map(len, seqs)))
        return pad_sequence(seqs, batch_first=True, padding_value=0), lengths
    return featurize


def make_encoder(vocab_size, emb_dim, hidden, bidirectional):
    embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
    rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=bidirectional)

    def encode(ids, lengths):
        states, _ = rnn(embed(ids))
        keep = (torch.arange(ids.size(1))[None, :] < lengths[:, None]).unsqueeze(-1).float()
        return (states * keep).sum(1) / lengths[:, None].float()

    return encode, [embed, rnn]


def make_head(in_dim, n_out):
    layer = nn.Sequential(nn.Dropout(0.1), nn.Linear(in_dim, n_out))
    return layer, [layer]


def params_of(modules):
    return list(chain.from_iterable(m.parameters() for m in modules))


def main():
    texts, crews = zip(*REPORTS)
    vocab = build_vocab(texts)
    featurize = make_featurizer(vocab)
    targets = torch.tensor([CREWS.index(c) for c in crews])

    encode, enc_modules = make_encoder(len(vocab) + 1, **ENCODER_CFG)
    head_factory = partial(make_head, ENCODER_CFG["hidden"] * (2 if ENCODER_CFG["bidirectional"] else 1))
    head, head_modules = head_factory(len(CREWS))

    forward = compose(lambda xs: featurize(xs), lambda fl: encode(*fl), head)
    optimizer = torch.optim.Adam(params_of(enc_modules + head_modules), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    print(f"vocab={len(vocab)} reports={len(REPORTS)} crews={CREWS}")

    for step in range(30):
        logits = forward(list(texts))
        loss = loss_fn(logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 10 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")

    head.eval()
    with torch.no_grad():
        picks = forward(["battery voltage low at night", "modem lost lock again"]).argmax(-1)
    print("routing:", [CREWS[i] for i in picks.tolist()])


if __name__ == "__main__":
    main()
