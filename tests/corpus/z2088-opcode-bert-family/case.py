"""Fine-tune a tiny BERT on opcode sequences from disassembled PE samples.

Each sample is the linear-sweep opcode stream of the .text section (first N
instructions). Labels: 0 = benign, 1 = packed dropper family.
"""
import os
import random
import tempfile
from collections import Counter

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 1337
MAX_INSN = 64
BATCH = 8
EPOCHS = 2
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

COMMON_OPS = ["mov", "push", "pop", "call", "ret", "lea", "add", "sub", "cmp",
              "jmp", "je", "jne", "test", "and", "or", "nop", "inc", "dec"]
PACKER_OPS = ["xor", "rol", "ror", "pushad", "popad", "loop", "stosb", "lodsb",
              "cpuid", "rdtsc", "int3", "shl", "shr", "not"]


def synth_disassembly(rng, label, n_insn):
    """Fake a .text opcode stream; droppers have a decryption stub mixed in."""
    ops = []
    for _ in range(n_insn):
        if label == 1 and rng.random() < 0.35:
            ops.append(rng.choice(PACKER_OPS))
        else:
            ops.append(rng.choice(COMMON_OPS))
    return ops


def load_corpus(n_samples, rng):
    corpus = []
    for i in range(n_samples):
        label = i % 2
        n_insn = rng.randint(40, 120)
        corpus.append({"sha256": f"{rng.getrandbits(64):016x}",
                       "opcodes": synth_disassembly(rng, label, n_insn),
                       "label": label})
    return corpus


def build_opcode_vocab(corpus, min_count=2):
    counts = Counter(op for sample in corpus for op in sample["opcodes"])
    return sorted(op for op, c in counts.items() if c >= min_count)


def write_vocab_file(out_dir, opcode_vocab):
    path = os.path.join(out_dir, "opcode_vocab.txt")
    with open(path, "w") as fh:
        for tok in SPECIAL_TOKENS + opcode_vocab:
            fh.write(tok + "\n")
    return path


class OpcodeStreamDataset(Dataset):
    def __init__(self, corpus, tokenizer):
        self.samples = corpus
        self.tok = tokenizer

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        sample = self.samples[idx]
        enc = self.tok(" ".join(sample["opcodes"]), truncation=True,
                       max_length=MAX_INSN, padding="max_length",
                       return_tensors="pt")
        return {"opcode_ids": enc["input_ids"].squeeze(0),
                "insn_mask": enc["attention_mask"].squeeze(0),
                "family": torch.tensor(sample["label"])}


def make_model(opcode_vocab):
    config = BertConfig(
        vocab_size=len(opcode_vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_INSN,
        num_labels=2,
        pad_token_id=0,
    )
    return BertForSequenceClassification(config)


def run_epoch(model, loader, optim):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for batch in loader:
        out = model(input_ids=batch["opcode_ids"],
                    attention_mask=batch["insn_mask"],
                    labels=batch["family"])
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        total += out.loss.item() * batch["family"].size(0)
        correct += (out.logits.argmax(-1) == batch["family"]).sum().item()
        seen += batch["family"].size(0)
    return total / seen, correct / seen


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    corpus = load_corpus(96, rng)
    opcode_vocab = build_opcode_vocab(corpus)
    print(f"{len(corpus)} samples, {len(opcode_vocab)} distinct opcodes")

    with tempfile.TemporaryDirectory() as tmp:
        vocab_path = write_vocab_file(tmp, opcode_vocab)
        tokenizer = BertTokenizer(vocab_path, do_lower_case=True)

    dataset = OpcodeStreamDataset(corpus, tokenizer)
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True)
    model = make_model(opcode_vocab)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for epoch in range(EPOCHS):
        loss, acc = run_epoch(model, loader, optim)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")

    model.eval()
    with torch.no_grad():
        probe = dataset[1]
        logits = model(input_ids=probe["opcode_ids"].unsqueeze(0),
                       attention_mask=probe["insn_mask"].unsqueeze(0)).logits
    print("probe sample p(dropper) =", logits.softmax(-1)[0, 1].item())


if __name__ == "__main__":
    main()
