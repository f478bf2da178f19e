"""Malware family classification from disassembled opcode streams.

Each sample is a PE binary given as a list of functions, each function a
string of x86 mnemonics. The functions are tokenized separately, concatenated
into one opcode stream per binary, and a small BERT encoder classifies the
stream into a family.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

MNEMONICS = ["mov", "push", "pop", "call", "ret", "jmp", "je", "jne", "cmp", "test",
             "xor", "and", "or", "add", "sub", "lea", "nop", "inc", "dec", "shl",
             "shr", "rol", "ror", "imul", "idiv", "movzx", "leave", "int", "syscall",
             "rdtsc", "cpuid", "aesenc", "pxor", "rep", "stosb", "lodsb"]
FAMILIES = ["benign", "ransomware", "trojan", "worm"]
FAMILY_BIAS = {
    "benign": ["mov", "push", "call", "ret", "cmp", "je"],
    "ransomware": ["aesenc", "pxor", "xor", "rol", "ror", "rep"],
    "trojan": ["rdtsc", "cpuid", "int", "jmp", "nop", "syscall"],
    "worm": ["stosb", "lodsb", "rep", "inc", "dec", "call"],
}
MAX_OPS = 96
BATCH = 8


def write_vocab(folder):
    path = os.path.join(folder, "opcodes.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + MNEMONICS) + "\n")
    return path


def fake_binary(family):
    funcs = []
    for _ in range(random.randint(2, 6)):
        n = random.randint(5, 25)
        ops = [random.choice(FAMILY_BIAS[family]) if random.random() < 0.5
               else random.choice(MNEMONICS) for _ in range(n)]
        funcs.append(" ".join(ops))
    return funcs


def encode_binary(tok, funcs):
    stream = []
    for f in funcs:
        stream.extend(tok(f, add_special_tokens=False)["input_ids"])
    stream = stream[:MAX_OPS]
    n_real = len(stream)
    stream = stream + [tok.pad_token_id] * (MAX_OPS - n_real)
    valid = [1] * n_real + [0] * (MAX_OPS - n_real)
    return stream, valid


class OpcodeFamilyNet(nn.Module):
    def __init__(self, vocab_size, cls_id, n_families):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=128)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.cls_id = cls_id
        self.proj = nn.Linear(cfg.hidden_size, n_families)

    def forward(self, op_ids, op_valid):
        lead = torch.full((op_ids.size(0), 1), self.cls_id, dtype=op_ids.dtype)
        stream = torch.cat([lead, op_ids], dim=1)
        op_valid = torch.cat([torch.ones_like(lead), op_valid], dim=1)
        enc = self.encoder(input_ids=stream, attention_mask=op_valid)
        return self.proj(enc.last_hidden_state[:, 0])


def batches(rows, size):
    random.shuffle(rows)
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        ids = torch.tensor([r[0] for r in chunk])
        valid = torch.tensor([r[1] for r in chunk])
        fam = torch.tensor([r[2] for r in chunk])
        yield ids, valid, fam


def main():
    workdir = tempfile.mkdtemp(prefix="opfam_")
    tok = BertTokenizer(write_vocab(workdir))

    rows = []
    for _ in range(64):
        fam_idx = random.randrange(len(FAMILIES))
        ids, valid = encode_binary(tok, fake_binary(FAMILIES[fam_idx]))
        rows.append((ids, valid, fam_idx))
    print(f"{len(rows)} binaries, avg stream length "
          f"{sum(sum(r[1]) for r in rows) / len(rows):.1f} opcodes")

    model = OpcodeFamilyNet(tok.vocab_size, tok.cls_token_id, len(FAMILIES))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        model.train()
        total, hits, n = 0.0, 0, 0
        for ids, valid, fam in batches(rows, BATCH):
            logits = model(ids, valid)
            loss = loss_fn(logits, fam)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * fam.size(0)
            hits += (logits.argmax(1) == fam).sum().item()
            n += fam.size(0)
        print(f"epoch {epoch}: loss {total / n:.4f} acc {hits / n:.3f}")


if __name__ == "__main__":
    main()
