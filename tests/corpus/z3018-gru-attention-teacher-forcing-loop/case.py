import random
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

hp = SimpleNamespace(
    seed=1234,
    n_examples=400,
    batch_size=25,
    emb_dim=32,
    hid_dim=48,
    teacher_forcing=0.75,
    lr=1e-3,
    epochs=2,
    clip=1.0,
    max_decode=16,
)
PAD_IDX, SOS_IDX, EOS_IDX = 0, 1, 2

random.seed(hp.seed)
torch.manual_seed(hp.seed)

NUM_WORDS = {0: "zero", 1: "one", 2: "two", 3: "three", 4: "four",
             5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
src_itos = ["<pad>", "<sos>", "<eos>"] + [str(d) for d in range(10)] + ["+"]
tgt_itos = ["<pad>", "<sos>", "<eos>"] + list(NUM_WORDS.values()) + ["plus"]
src_stoi = {w: i for i, w in enumerate(src_itos)}
tgt_stoi = {w: i for i, w in enumerate(tgt_itos)}


def make_example():
    n = random.randint(2, 9)
    digits = [str(random.randint(0, 9)) if i % 3 else "+" for i in range(1, n + 1)]
    words = ["plus" if d == "+" else NUM_WORDS[int(d)] for d in digits]
    return digits, words


class ArithmeticCollator:
    def __call__(self, examples):
        srcs, tgts = [], []
        for digits, words in examples:
            srcs.append(torch.tensor([src_stoi[d] for d in digits] + [EOS_IDX]))
            tgts.append(torch.tensor([SOS_IDX] + [tgt_stoi[w] for w in words] + [EOS_IDX]))
        return {
            "src": pad_sequence(srcs, batch_first=True, padding_value=PAD_IDX),
            "src_len": torch.tensor([len(s) for s in srcs]),
            "trg": pad_sequence(tgts, batch_first=True, padding_value=PAD_IDX),
        }


class Encoder(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD_IDX)
        self.rnn = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hid, hid)

    def forward(self, src, src_len):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embedding(src), src_len.cpu(), batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.size(1))
        hidden = torch.tanh(self.bridge(torch.cat([h[-2], h[-1]], dim=-1)))
        return out, hidden


class BahdanauAttention(nn.Module):
    def __init__(self, hid):
        super().__init__()
        self.W = nn.Linear(3 * hid, hid)
        self.v = nn.Linear(hid, 1, bias=False)

    def forward(self, hidden, enc_out, mask):
        rep = hidden.unsqueeze(1).expand(-1, enc_out.size(1), -1)
        energy = self.v(torch.tanh(self.W(torch.cat([rep, enc_out], dim=-1)))).squeeze(-1)
        return F.softmax(energy.masked_fill(~mask, -1e9), dim=-1)


class Decoder(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD_IDX)
        self.attn = BahdanauAttention(hid)
        self.cell = nn.GRUCell(emb + 2 * hid, hid)
        self.out = nn.Linear(hid + 2 * hid + emb, vocab)

    def forward(self, token, hidden, enc_out, mask):
        emb = self.embedding(token)
        a = self.attn(hidden, enc_out, mask)
        context = torch.bmm(a.unsqueeze(1), enc_out).squeeze(1)
        hidden = self.cell(torch.cat([emb, context], dim=-1), hidden)
        return self.out(torch.cat([hidden, context, emb], dim=-1)), hidden, a


def make_loss_fn(encoder, decoder, tf_ratio):
    def run_batch(batch):
        src, trg = batch["src"], batch["trg"]
        enc_out, hidden = encoder(src, batch["src_len"])
        mask = src != PAD_IDX
        trg_len = trg.size(1)
        inp = trg[:, 0]
        losses = []
        for t in range(trg_len):
            logits, hidden, _ = decoder(inp, hidden, enc_out, mask)
            gold = trg[:, t + 1]
            losses.append(F.cross_entropy(logits, gold, ignore_index=PAD_IDX))
            inp = gold if random.random() < tf_ratio else logits.argmax(-1)
        return torch.stack(losses).mean()
    return run_batch


@torch.no_grad()
def greedy_decode(encoder, decoder, digits):
    src = torch.tensor([[src_stoi[d] for d in digits] + [EOS_IDX]])
    enc_out, hidden = encoder(src, torch.tensor([src.size(1)]))
    mask = torch.ones_like(src, dtype=torch.bool)
    tok, words = torch.tensor([SOS_IDX]), []
    for _ in range(hp.max_decode):
        logits, hidden, _ = decoder(tok, hidden, enc_out, mask)
        tok = logits.argmax(-1)
        if tok.item() == EOS_IDX:
            break
        words.append(tgt_itos[tok.item()])
    return " ".join(words)


def main():
    data = [make_example() for _ in range(hp.n_examples)]
    train, dev = data[:350], data[350:]
    loader = DataLoader(train, batch_size=hp.batch_size, shuffle=True, collate_fn=ArithmeticCollator())

    encoder = Encoder(len(src_itos), hp.emb_dim, hp.hid_dim)
    decoder = Decoder(len(tgt_itos), hp.emb_dim, hp.hid_dim)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=hp.lr)
    loss_fn = make_loss_fn(encoder, decoder, hp.teacher_forcing)

    for epoch in range(hp.epochs):
        encoder.train(); decoder.train()
        running = 0.0
        for i, batch in enumerate(loader, 1):
            optimizer.zero_grad()
            loss = loss_fn(batch)
            loss.backward()
            nn.utils.clip_grad_norm_(params, hp.clip)
            optimizer.step()
            running += loss.item()
        print(f"epoch {epoch + 1} | loss {running / i:.3f}")

    encoder.eval(); decoder.eval()
    for digits, words in dev[:3]:
        print(" ".join(digits), "=>", greedy_decode(encoder, decoder, digits), "| ref:", " ".join(words))


if __name__ == "__main__":
    main()
