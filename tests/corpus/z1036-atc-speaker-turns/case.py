"""Hierarchical classifier for air-traffic-control radio exchanges.

Each exchange is a short back-and-forth between a controller and a pilot.
We encode every utterance with a tiny BERT-style encoder, add a learned
speaker vector to the pooled utterance, then run a conversation-level GRU
and classify the whole exchange as routine / deviation / emergency.

Shapes used below:
    U = number of utterances in one exchange
    T = tokens per utterance (padded within the exchange)
    H = hidden size
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

EXCHANGES = [
    (["speedbird four two climb flight level three five zero",
      "climb flight level three five zero speedbird four two"], 0),
    (["delta nine request deviation left two zero miles weather",
      "deviation left approved report clear of weather",
      "left deviation approved delta nine",
      "delta nine clear of weather proceed direct"], 1),
    (["mayday mayday engine failure descending",
      "roger mayday turn right heading two seven zero",
      "right two seven zero descending",
      "fire services alerted runway two seven available"], 2),
]
LABELS = ["routine", "deviation", "emergency"]
PAD, UNK = 0, 1


def build_vocab(exchanges):
    vocab = {"[PAD]": PAD, "[UNK]": UNK}
    for utts, _ in exchanges:
        for u in utts:
            for w in u.split():
                vocab.setdefault(w, len(vocab))
    return vocab


def encode_exchange(utts, vocab):
    """Return (token_ids (U, T), pad_flags (U, T) bool, turn_ids (U,))."""
    rows = [[vocab.get(w, UNK) for w in u.split()] for u in utts]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), PAD, dtype=torch.long)  # (U, T)
    for r, toks in enumerate(rows):
        ids[r, :len(toks)] = torch.tensor(toks)
    turn_ids = torch.tensor([pos for pos, _ in enumerate(utts)])  # (U,)
    return ids, ids.eq(PAD), turn_ids


class ExchangeClassifier(nn.Module):
    def __init__(self, vocab_size, hidden=32, n_classes=3, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, hidden)
        layer = nn.TransformerEncoderLayer(hidden, nhead=2, dim_feedforward=64,
                                           batch_first=True, dropout=0.0)
        self.utt_encoder = nn.TransformerEncoder(layer, num_layers=1,
                                                 enable_nested_tensor=False)
        # one vector for the controller, one for the pilot
        self.speaker_vecs = nn.Parameter(torch.randn(2, hidden) * 0.02)  # (2, H)
        self.conv_rnn = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, ids, pad_flags, turn_ids):
        """ids, pad_flags: (U, T); turn_ids: (U,) -> logits (1, C)."""
        U, T = ids.shape
        positions = torch.arange(T).unsqueeze(0).expand(U, T)  # (U, T)
        x = self.tok(ids) + self.pos(positions)  # (U, T, H)
        x = self.utt_encoder(x, src_key_padding_mask=pad_flags)  # (U, T, H)
        keep = (~pad_flags).unsqueeze(-1).float()  # (U, T, 1)
        utt_vecs = (x * keep).sum(1) / keep.sum(1)  # (U, H)
        assert utt_vecs.shape == (U, x.size(-1))
        assert turn_ids.shape == (U,)
        utt_vecs = utt_vecs + self.speaker_vecs[turn_ids]  # (U, H)
        _, h_last = self.conv_rnn(utt_vecs.unsqueeze(0))  # h_last: (1, 1, H)
        return self.head(h_last[-1])  # (1, C)


def train(epochs=3):
    vocab = build_vocab(EXCHANGES)
    print(f"vocab size: {len(vocab)}  exchanges: {len(EXCHANGES)}")
    model = ExchangeClassifier(len(vocab), n_classes=len(LABELS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(epochs):
        total = 0.0
        for utts, label in EXCHANGES:
            ids, pad_flags, turn_ids = encode_exchange(utts, vocab)
            assert ids.shape == pad_flags.shape
            assert ids.size(1) <= model.pos.num_embeddings
            logits = model(ids, pad_flags, turn_ids)  # (1, C)
            target = torch.tensor([label])  # (1,)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / len(EXCHANGES):.4f}")
    return model, vocab


if __name__ == "__main__":
    model, vocab = train()
    model.eval()
    with torch.no_grad():
        utts, gold = EXCHANGES[2]
        pred = model(*encode_exchange(utts, vocab)).argmax(-1).item()
    print(f"predicted {LABELS[pred]!r}, gold {LABELS[gold]!r}")
