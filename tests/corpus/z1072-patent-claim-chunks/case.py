"""Hierarchical classifier for long patent claim sets.

Each document is cut into word windows, every window is encoded by a small
transformer, the window vectors get a chunk-position embedding and a second
(document-level) encoder mixes them before the CPC-section head.
"""
import itertools
import re

import torch
import torch.nn as nn

torch.manual_seed(7)

CPC_SECTIONS = ["A_human_necessities", "B_operations", "F_mechanical", "H_electricity"]

CLAIMS = [
    ("1. A surgical stapler comprising an anvil, a cartridge housing a plurality of staples, "
     "and a firing member configured to translate distally. 2. The stapler of claim 1 wherein "
     "the anvil includes a tissue gripping surface. 3. The stapler of claim 2 wherein the firing "
     "member comprises an I-beam with upper and lower flanges engaging the anvil and cartridge.", 0),
    ("1. A method of rolling sheet metal comprising heating a slab, passing it through a roughing "
     "mill and a finishing mill, and cooling the strip on a run-out table. 2. The method of claim 1 "
     "wherein cooling uses laminar water curtains. 3. The method of claim 1 wherein the finishing "
     "mill has seven stands with work roll bending actuators.", 1),
    ("1. A turbocharger bearing housing comprising an oil inlet, a journal bearing bore and a "
     "thrust collar seat. 2. The housing of claim 1 further comprising a water jacket surrounding "
     "the bore. 3. The housing of claim 2 wherein the jacket is cast integrally with the housing.", 2),
    ("1. A power converter comprising a half bridge of gallium nitride switches, a gate driver and "
     "a controller adapted to adjust dead time based on load current. 2. The converter of claim 1 "
     "wherein the controller samples the switch node voltage. 3. The converter of claim 2 wherein "
     "dead time is reduced below forty nanoseconds at light load.", 3),
]

CFG = dict(words_per_chunk=12, max_chunks=8, hidden=32, heads=2, max_tokens=16)


def tokenize(text):
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text.lower())


def build_vocab(docs):
    words = sorted({w for text, _ in docs for w in tokenize(text)})
    return {w: i + 2 for i, w in enumerate(words)}  # 0 pad, 1 unk


def word_spans(text):
    for m in re.finditer(r"\S+", text):
        yield m.start(), m.group()


def chunk_stream(text, words_per_chunk, max_chunks):
    """Yield dicts for each window of words, remembering where it starts."""
    spans = word_spans(text)
    for n in itertools.count():
        window = list(itertools.islice(spans, words_per_chunk))
        if not window or n >= max_chunks:
            return
        yield {"chunk_no": n, "char_offset": window[0][0], "text": " ".join(w for _, w in window)}


def encode_chunk(chunk, vocab, max_tokens):
    ids = [vocab.get(t, 1) for t in tokenize(chunk["text"])][:max_tokens]
    return ids + [0] * (max_tokens - len(ids))


def doc_tensors(text, vocab, cfg):
    chunks = list(chunk_stream(text, cfg["words_per_chunk"], cfg["max_chunks"]))
    tok = torch.tensor([encode_chunk(c, vocab, cfg["max_tokens"]) for c in chunks])
    pos = torch.tensor([c["char_offset"] for c in chunks])
    return tok, pos


class ClaimSetClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, hidden, heads, max_tokens, max_chunks, **_):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.tok_pos = nn.Embedding(max_tokens, hidden)
        layer_kw = dict(d_model=hidden, nhead=heads, dim_feedforward=hidden * 2, batch_first=True)
        self.chunk_enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(**layer_kw), num_layers=1, enable_nested_tensor=False)
        self.chunk_pos = nn.Embedding(max_chunks, hidden)
        self.doc_enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(**layer_kw), num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, tok, pos):
        positions = torch.arange(tok.size(1)).unsqueeze(0)
        h = self.chunk_enc(self.tok_emb(tok) + self.tok_pos(positions), src_key_padding_mask=tok.eq(0))
        chunk_vecs = h[:, 0] + self.chunk_pos(pos)           # (n_chunks, hidden)
        doc = self.doc_enc(chunk_vecs.unsqueeze(0)).mean(dim=1)
        return self.head(doc)


def epoch_stream(docs, vocab, cfg, epochs):
    for epoch, (text, label) in itertools.product(range(epochs), docs):
        tok, pos = doc_tensors(text, vocab, cfg)
        yield epoch, tok, pos, torch.tensor([label])


def main():
    vocab = build_vocab(CLAIMS)
    print(f"vocab={len(vocab) + 2} docs={len(CLAIMS)} sections={len(CPC_SECTIONS)}")
    model = ClaimSetClassifier(vocab_size=len(vocab) + 2, n_classes=len(CPC_SECTIONS), **CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    running = {}
    for epoch, tok, pos, target in epoch_stream(CLAIMS, vocab, CFG, epochs=3):
        loss = loss_fn(model(tok, pos), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running.setdefault(epoch, []).append(loss.item())

    for epoch, losses in running.items():
        print(f"epoch {epoch}: mean loss {sum(losses) / len(losses):.4f}")

    model.eval()
    with torch.no_grad():
        for text, label in CLAIMS:
            pred = model(*doc_tensors(text, vocab, CFG)).argmax(-1).item()
            print(f"{CPC_SECTIONS[label]:>22} -> {CPC_SECTIONS[pred]}")


if __name__ == "__main__":
    main()
