import os
import random
from types import SimpleNamespace

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(13)
torch.manual_seed(13)

SRC = "el la un una perro gato casa coche grande pequeño rojo azul ve tiene come".split()
TGT = "the a dog cat house car big small red blue sees has eats".split()
DICT = {"el": "the", "la": "the", "un": "a", "una": "a", "perro": "dog", "gato": "cat", "casa": "house",
        "coche": "car", "grande": "big", "pequeño": "small", "rojo": "red", "azul": "blue",
        "ve": "sees", "tiene": "has", "come": "eats"}

vocab_path = os.path.join(HERE, "vocab.txt")
with open(vocab_path, "w", encoding="utf-8") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(SRC + TGT))) + "\n")
tok = BertTokenizer(vocab_path, do_lower_case=False, tokenize_chinese_chars=False, strip_accents=False)

hp = SimpleNamespace(emb=24, hid=48, batch_size=16, epochs=3, lr=1e-3, clip=1.0, max_src=16, max_tgt=16,
                     teacher_forcing=1.0)


def synth(n):
    out = []
    for _ in range(n):
        words = [random.choice(SRC) for _ in range(random.randint(2, 8))]
        out.append({"src": " ".join(words), "tgt": " ".join(DICT[w] for w in words)})
    return out


class TranslationCollator:
    def __init__(self, tokenizer, max_src, max_tgt):
        self.tok = tokenizer
        self.max_src, self.max_tgt = max_src, max_tgt
        self.bos, self.eos, self.pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id

    def __call__(self, examples):
        enc = self.tok([e["src"] for e in examples], padding=True, truncation=True,
                       max_length=self.max_src, return_tensors="pt")
        tgt_ids = [self.tok.encode(e["tgt"], add_special_tokens=False)[: self.max_tgt - 1] for e in examples]
        width = max(len(t) for t in tgt_ids) + 1
        dec_in = torch.full((len(examples), width), self.pad)
        labels = torch.full((len(examples), width), self.pad)
        for i, ids in enumerate(tgt_ids):
            dec_in[i, : len(ids) + 1] = torch.tensor([self.bos] + ids)
            labels[i, : len(ids) + 1] = torch.tensor(ids + [self.eos])
        return enc["input_ids"], enc["attention_mask"], dec_in, labels


class Encoder(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hid, hid)

    def forward(self, ids):
        outs, h = self.rnn(self.embed(ids))
        h0 = torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=-1)))
        return outs, h0


class AdditiveAttention(nn.Module):
    def __init__(self, hid):
        super().__init__()
        self.W = nn.Linear(3 * hid, hid)
        self.v = nn.Linear(hid, 1, bias=False)

    def forward(self, h, enc_outs, mask):
        q = h.unsqueeze(1).expand(-1, enc_outs.size(1), -1)
        scores = self.v(torch.tanh(self.W(torch.cat([q, enc_outs], -1)))).squeeze(-1)
        scores = scores.masked_fill(mask == 0, -1e9)
        attn = scores.softmax(-1)
        return torch.bmm(attn.unsqueeze(1), enc_outs).squeeze(1)


class Decoder(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, padding_idx=0)
        self.attn = AdditiveAttention(hid)
        self.cell = nn.GRUCell(emb + 2 * hid, hid)
        self.out = nn.Linear(hid + 2 * hid + emb, vocab)

    def step(self, y_prev, h, enc_outs, mask):
        e = self.embed(y_prev)
        ctx = self.attn(h, enc_outs, mask)
        h = self.cell(torch.cat([e, ctx], -1), h)
        return self.out(torch.cat([h, ctx, e], -1)), h


class Seq2Seq(nn.Module):
    def __init__(self, vocab, hp):
        super().__init__()
        self.enc = Encoder(vocab, hp.emb, hp.hid)
        self.dec = Decoder(vocab, hp.emb, hp.hid)

    def forward(self, src, src_mask, dec_in, tf_ratio=1.0):
        enc_outs, h = self.enc(src)
        y = dec_in[:, 0]
        step_logits = []
        for t in range(dec_in.size(1)):
            logits, h = self.dec.step(y, h, enc_outs, src_mask)
            step_logits.append(logits)
            if t + 1 < dec_in.size(1):
                y = dec_in[:, t + 1] if random.random() < tf_ratio else logits.argmax(-1)
        return torch.stack(step_logits, dim=1)

    @torch.no_grad()
    def greedy(self, src, src_mask, bos, eos, max_len=20):
        enc_outs, h = self.enc(src)
        y = torch.full((src.size(0),), bos, dtype=torch.long)
        result = []
        for _ in range(max_len):
            logits, h = self.dec.step(y, h, enc_outs, src_mask)
            y = logits.argmax(-1)
            result.append(y)
            if (y == eos).all():
                break
        return torch.stack(result, 1)


def run():
    collate = TranslationCollator(tok, hp.max_src, hp.max_tgt)
    train_dl = DataLoader(synth(256), batch_size=hp.batch_size, shuffle=True, collate_fn=collate)
    model = Seq2Seq(tok.vocab_size, hp)
    optim = torch.optim.Adam(model.parameters(), lr=hp.lr)
    criterion = nn.CrossEntropyLoss(ignore_index=tok.pad_token_id)

    for epoch in range(hp.epochs):
        model.train()
        running = 0.0
        for src, src_mask, dec_in, labels in train_dl:
            outputs = model(src, src_mask, dec_in, hp.teacher_forcing)
            loss = criterion(outputs.transpose(1, 2), labels)
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), hp.clip)
            optim.step()
            running += loss.item()
        print(f"epoch {epoch + 1}: train loss {running / len(train_dl):.3f}")

    model.eval()
    sample = synth(3)
    src, src_mask, _, _ = collate(sample)
    hyp = model.greedy(src, src_mask, tok.cls_token_id, tok.sep_token_id)
    for ex, ids in zip(sample, hyp.tolist()):
        print(ex["src"], "->", tok.decode(ids, skip_special_tokens=True))


if __name__ == "__main__":
    run()
