"""Enhancer-promoter interaction classifier (TargetFinder-style input).

Each example is three DNA regions: the enhancer, the window between the two
elements, and the promoter.  Regions are written as 4-mers, tokenized with a
k-mer BertTokenizer, concatenated with [SEP] between them, and every token is
tagged with the index of the region it came from.
"""
import itertools
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

K = 4
REGIONS = ("enhancer", "window", "promoter")
MODEL_CFG = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=256, type_vocab_size=len(REGIONS))


def write_kmer_vocab(folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    kmers = ["".join(p).lower() for p in itertools.product("ACGT", repeat=K)]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + kmers) + "\n")
    return path


def to_kmers(dna, k=K, stride=2):
    return " ".join(dna[i:i + k] for i in range(0, len(dna) - k + 1, stride))


def random_dna(n):
    return "".join(random.choice("ACGT") for _ in range(n))


def make_pair(label):
    motif = "CACGTG" if label else random_dna(6)
    enh = random_dna(20) + motif + random_dna(14)
    win = random_dna(random.randint(24, 40))
    prom = random_dna(12) + ("TATAAA" if label else random_dna(6)) + random_dna(22)
    return {"enhancer": enh, "window": win, "promoter": prom, "label": label}


def encode_example(tok, ex):
    ids = [tok.cls_token_id]
    region_ids = [0]
    for r, name in enumerate(REGIONS):
        piece = tok(to_kmers(ex[name]), add_special_tokens=False)["input_ids"]
        ids += piece + [tok.sep_token_id]
        region_ids += [r] * (len(piece) + 1)
    return ids, region_ids


def collate(tok, batch):
    enc = [encode_example(tok, ex) for ex in batch]
    width = max(len(ids) for ids, _ in enc)
    seq_ids = torch.full((len(batch), width), tok.pad_token_id)
    region_ids = torch.zeros((len(batch), width), dtype=torch.long)
    attn = torch.zeros((len(batch), width), dtype=torch.long)
    for i, (ids, regs) in enumerate(enc):
        seq_ids[i, :len(ids)] = torch.tensor(ids)
        region_ids[i, :len(regs)] = torch.tensor(regs)
        attn[i, :len(ids)] = 1
    labels = torch.tensor([ex["label"] for ex in batch])
    return seq_ids, region_ids, attn, labels


def main():
    workdir = tempfile.mkdtemp(prefix="epi_")
    tok = BertTokenizer(write_kmer_vocab(workdir))
    cfg = BertConfig(vocab_size=tok.vocab_size, num_labels=2, **MODEL_CFG)
    model = BertForSequenceClassification(cfg)

    pairs = [make_pair(i % 2) for i in range(32)]
    random.shuffle(pairs)
    train_pairs, test_pairs = pairs[:16], pairs[16:]
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(1):
        running = 0.0
        for start in range(0, len(train_pairs), 16):
            seq_ids, region_ids, attn, labels = collate(tok, train_pairs[start:start + 16])
            out = model(input_ids=seq_ids, token_type_ids=region_ids,
                        attention_mask=attn, labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running / 5:.4f}")

    model.eval()
    seq_ids, region_ids, attn, labels = collate(tok, test_pairs)
    with torch.no_grad():
        logits = model(input_ids=seq_ids, token_type_ids=region_ids, attention_mask=attn).logits
    acc = (logits.argmax(-1) == labels).float().mean().item()
    print(f"held-out accuracy on {len(test_pairs)} pairs: {acc:.3f}")


if __name__ == "__main__":
    main()
