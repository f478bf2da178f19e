import os
import random

import numpy as np
import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
AA_ALPHABET = "ACDEFGHIKLMNPQRSTVWY"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WT_SEQ = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTEVLL"

SETTINGS = dict(hidden=32, layers=1, heads=2, ff=64, n_family=64,
                adapt_steps=30, mask_prob=0.15, lr=5e-4, seed=3)


def write_vocab(path):
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + list(AA_ALPHABET) + ["X"]) + "\n")
    return path


def make_family(wt, n, rng):
    fam = []
    for _ in range(n):
        s = list(wt)
        for i in rng.choice(len(s), size=rng.integers(2, 8), replace=False):
            s[i] = rng.choice(list(AA_ALPHABET))
        fam.append("".join(s))
    return fam


def spaced(seq):
    return " ".join(seq)


def mask_tokens(input_ids, tokenizer, prob, gen):
    labels = input_ids.clone()
    special = torch.isin(input_ids, torch.tensor(tokenizer.all_special_ids))
    probs = torch.full(input_ids.shape, prob)
    probs[special] = 0.0
    chosen = torch.bernoulli(probs, generator=gen).bool()
    labels[~chosen] = -100
    masked = input_ids.clone()
    masked[chosen] = tokenizer.mask_token_id
    return masked, labels


def adapt_on_family(model, tokenizer, family, s):
    gen = torch.Generator().manual_seed(s["seed"])
    enc = tokenizer([spaced(x) for x in family], return_tensors="pt", padding=True)
    opt = torch.optim.AdamW(model.parameters(), lr=s["lr"])
    model.train()
    for step in range(s["adapt_steps"]):
        idx = torch.randint(0, enc["input_ids"].size(0), (16,), generator=gen)
        ids, labels = mask_tokens(enc["input_ids"][idx], tokenizer, s["mask_prob"], gen)
        out = model(input_ids=ids, attention_mask=enc["attention_mask"][idx], labels=labels)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"adapt step {step}: mlm loss {out.loss.item():.3f}")


@torch.no_grad()
def masked_marginal_scan(model, tokenizer, wt):
    model.eval()
    enc = tokenizer(spaced(wt), return_tensors="pt")
    ids = enc["input_ids"][0]
    L = len(wt)
    batch = ids.repeat(L, 1)
    positions = torch.arange(L) + 1
    batch[torch.arange(L), positions] = tokenizer.mask_token_id
    logits = model(input_ids=batch).logits
    logp = torch.log_softmax(logits[torch.arange(L), positions], dim=-1)

    aa_ids = {aa: tokenizer.convert_tokens_to_ids(aa) for aa in AA_ALPHABET}
    grid, variants = [], {}
    for i, wt_aa in enumerate(wt):
        for aa in AA_ALPHABET:
            score = logp[i, aa_ids[aa]] - logp[i, aa_ids[wt_aa]]
            grid.append(score)
            if aa == wt_aa:
                continue
            variants[f"{wt_aa}{i + 1}{aa}"] = score.item()
    heatmap = torch.stack(grid).view(L, len(AA_ALPHABET))
    return heatmap, variants


def fake_dms_measurements(variants, rng):
    hydrophobic = set("AILMFVWY")
    out = {}
    for v in variants:
        wt_aa, pos, mut = v[0], int(v[1:-1]), v[-1]
        penalty = 1.0 if (wt_aa in hydrophobic) != (mut in hydrophobic) else 0.2
        out[v] = -penalty * (1 + 0.5 * np.sin(pos / 5)) + rng.normal(0, 0.3)
    return out


def spearman(a, b):
    ra = np.argsort(np.argsort(a))
    rb = np.argsort(np.argsort(b))
    return np.corrcoef(ra, rb)[0, 1]


def main(s=SETTINGS):
    random.seed(s["seed"])
    torch.manual_seed(s["seed"])
    rng = np.random.default_rng(s["seed"])

    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "aa_vocab.txt")), do_lower_case=False)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=s["hidden"],
                        num_hidden_layers=s["layers"], num_attention_heads=s["heads"],
                        intermediate_size=s["ff"], max_position_embeddings=128,
                        pad_token_id=tokenizer.pad_token_id)
    model = BertForMaskedLM(config)

    family = make_family(WT_SEQ, s["n_family"], rng)
    adapt_on_family(model, tokenizer, family, s)

    heatmap, variants = masked_marginal_scan(model, tokenizer, WT_SEQ)
    measured = fake_dms_measurements(variants, rng)
    keys = sorted(variants)
    rho = spearman(np.array([variants[k] for k in keys]), np.array([measured[k] for k in keys]))
    print(f"{len(keys)} single mutants, spearman rho = {rho:.3f}")

    position_sensitivity = heatmap.mean(dim=1)
    worst = torch.topk(-position_sensitivity, 5).indices + 1
    print("most mutation-sensitive positions:", worst.tolist())


if __name__ == "__main__":
    main()
