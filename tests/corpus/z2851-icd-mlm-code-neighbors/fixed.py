import os
import numpy as np
import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

params = {
    "seed": 99,
    "n_patients": 120,
    "max_visits_codes": 30,
    "mask_prob": 0.15,
    "hidden_size": 32,
    "n_layers": 1,
    "n_heads": 2,
    "ffn_size": 64,
    "batch_size": 16,
    "lr": 1e-3,
    "epochs": 2,
    "top_k": 3,
}

CODE_GROUPS = {
    "cardio": ["i10", "i110", "i2510", "i4891", "i509", "i639"],
    "metabolic": ["e119", "e1165", "e785", "e669", "e871"],
    "renal": ["n179", "n183", "n390"],
    "pulm": ["j189", "j441", "j9601", "r0602"],
    "psych": ["f329", "f1020", "f419"],
}


def write_code_vocab(hp):
    folder = os.path.dirname(os.path.abspath(__file__))
    vocab_file = os.path.join(folder, "icd_vocab.txt")
    lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for g in CODE_GROUPS:
        for code in CODE_GROUPS[g]:
            lines.append(code)
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return vocab_file


def simulate_histories(hp):
    rng = np.random.default_rng(hp["seed"])
    groups = list(CODE_GROUPS.keys())
    histories = []
    for p in range(hp["n_patients"]):
        n_groups = int(rng.integers(1, 3))
        patient_groups = rng.choice(len(groups), size=n_groups, replace=False)
        seq_len = int(rng.integers(6, hp["max_visits_codes"]))
        seq = []
        for s in range(seq_len):
            g = groups[int(patient_groups[int(rng.integers(0, n_groups))])]
            pool = CODE_GROUPS[g]
            seq.append(pool[int(rng.integers(0, len(pool)))])
        histories.append(" ".join(seq))
    return histories


def mask_batch(input_ids, special_mask, tokenizer, hp, rng):
    ids = input_ids.copy()
    labels = np.full(ids.shape, -100, dtype=np.int64)
    probs = rng.random(ids.shape)
    selected = (probs < hp["mask_prob"]) & (special_mask == 0)
    n_rows, n_cols = ids.shape
    for r in range(n_rows):
        for c in range(n_cols):
            if selected[r, c]:
                labels[r, c] = ids[r, c]
                ids[r, c] = tokenizer.mask_token_id
    return ids, labels


def pretrain(histories, tokenizer, hp):
    rng = np.random.default_rng(hp["seed"] + 1)
    enc = tokenizer(histories, padding="longest", return_special_tokens_mask=True, return_tensors="np")
    all_ids = enc["input_ids"]
    all_att = enc["attention_mask"]
    special = enc["special_tokens_mask"] | (all_att == 0).astype(all_ids.dtype)
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hp["hidden_size"],
        num_hidden_layers=hp["n_layers"],
        num_attention_heads=hp["n_heads"],
        intermediate_size=hp["ffn_size"],
        max_position_embeddings=64,
    )
    model = BertForMaskedLM(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=hp["lr"])
    n = all_ids.shape[0]
    for epoch in range(hp["epochs"]):
        order = rng.permutation(n)
        epoch_losses = []
        for start in range(0, n, hp["batch_size"]):
            sel = order[start:start + hp["batch_size"]]
            m_ids, m_labels = mask_batch(all_ids[sel], special[sel], tokenizer, hp, rng)
            out = model(
                input_ids=torch.from_numpy(m_ids).long(),
                attention_mask=torch.from_numpy(all_att[sel]).long(),
                labels=torch.from_numpy(m_labels),
            )
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            epoch_losses.append(out.loss.item())
        print("epoch", epoch, "mlm loss", round(float(np.mean(epoch_losses)), 4))
    return model


def code_neighbours(model, tokenizer, hp):
    model.eval()
    emb_weight = model.bert.embeddings.word_embeddings.weight
    emb = emb_weight.detach().numpy()
    norms = np.linalg.norm(emb, axis=1, keepdims=True)
    unit = emb / np.maximum(norms, 1e-8)
    sim = unit @ unit.T
    report = {}
    for g in CODE_GROUPS:
        for code in CODE_GROUPS[g]:
            i = tokenizer.convert_tokens_to_ids(code)
            row = sim[i].copy()
            row[:5] = -np.inf
            row[i] = -np.inf
            nearest = np.argsort(-row)[: hp["top_k"]]
            names = []
            for j in nearest:
                names.append(tokenizer.convert_ids_to_tokens(int(j)))
            report[code] = names
    return report


def main(hp):
    torch.manual_seed(hp["seed"])
    tokenizer = BertTokenizer(write_code_vocab(hp))
    histories = simulate_histories(hp)
    lengths = np.array([len(h.split()) for h in histories])
    print("patients:", len(histories), "median codes:", int(np.median(lengths)))
    model = pretrain(histories, tokenizer, hp)
    neighbours = code_neighbours(model, tokenizer, hp)
    same_group = 0
    total = 0
    for g in CODE_GROUPS:
        for code in CODE_GROUPS[g]:
            for nb in neighbours[code]:
                total += 1
                if nb in CODE_GROUPS[g]:
                    same_group += 1
    print("fraction of neighbours in same clinical group:", round(same_group / total, 3))


if __name__ == "__main__":
    main(params)
