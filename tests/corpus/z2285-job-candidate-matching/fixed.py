"""Cross-encoder scoring of (job posting, candidate resume) pairs.

Each pair gets a job-family marker token right after [CLS] so one model can serve
engineering, sales and healthcare requisitions.
"""
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class MatchConfig:
    vocab_path: str = os.path.join(HERE, "hr_vocab.txt")
    max_length: int = 96
    hidden_size: int = 32
    n_layers: int = 1
    n_heads: int = 2
    batch_size: int = 8
    lr: float = 3e-4
    steps: int = 4


JOB_FAMILIES = ["[FAM_ENG]", "[FAM_SALES]", "[FAM_HEALTH]"]
WORDS = """
senior junior engineer developer nurse registered account executive manager sales quota
python java kubernetes aws sql react patient care icu triage crm salesforce pipeline
years experience required preferred degree bachelor master license certified team lead
built scaled migrated managed closed exceeded cared treated hospital startup enterprise
remote onsite hybrid full time contract b2b saas clinical backend frontend data cloud
we are hiring looking for a an the with in of and to at for on is strong skills
""".split()


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + JOB_FAMILIES
    with open(path, "w") as f:
        for tok in specials + sorted(set(WORDS)):
            f.write(tok + "\n")


def fake_posting(family):
    core = {
        "[FAM_ENG]": "python java kubernetes aws sql react backend frontend cloud data",
        "[FAM_SALES]": "account executive quota crm salesforce pipeline b2b saas closed",
        "[FAM_HEALTH]": "registered nurse patient care icu triage clinical hospital license",
    }[family].split()
    words = ["we", "are", "hiring", "a"] + random.sample(core, 4) + ["with", "years", "experience"]
    return " ".join(words)


def fake_resume(family, is_match):
    fam = family if is_match else random.choice([f for f in JOB_FAMILIES if f != family])
    posting_words = fake_posting(fam).split()[4:8]
    filler = random.choices(["built", "scaled", "managed", "team", "lead", "strong", "skills",
                             "startup", "enterprise", "remote", "hybrid", "years"], k=random.randint(3, 20))
    return " ".join(["senior"] + posting_words + filler)


def make_pairs(n):
    rows = []
    for _ in range(n):
        fam = random.choice(JOB_FAMILIES)
        match = random.random() < 0.5
        rows.append({"family": fam, "job": fake_posting(fam), "resume": fake_resume(fam, match),
                     "label": float(match)})
    return rows


def add_job_family_prefix(enc, family_ids):
    fam_col = family_ids.unsqueeze(1)
    enc["input_ids"] = torch.cat([enc["input_ids"][:, :1], fam_col, enc["input_ids"][:, 1:]], dim=1)
    enc["token_type_ids"] = torch.cat(
        [torch.zeros_like(fam_col), enc["token_type_ids"]], dim=1)
    enc["attention_mask"] = torch.cat(
        [torch.ones_like(fam_col), enc["attention_mask"]], dim=1)
    return enc


class MatchScorer(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden_size,
                              num_hidden_layers=cfg.n_layers, num_attention_heads=cfg.n_heads,
                              intermediate_size=4 * cfg.hidden_size,
                              max_position_embeddings=cfg.max_length + 32)
        self.encoder = BertModel(bert_cfg)
        self.score = nn.Linear(cfg.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        return self.score(out.last_hidden_state[:, 0]).squeeze(-1)


def batches(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def main():
    cfg = MatchConfig()
    write_vocab(cfg.vocab_path)
    tok = BertTokenizer(cfg.vocab_path)
    fam2id = {f: tok.convert_tokens_to_ids(f) for f in JOB_FAMILIES}

    rows = make_pairs(48)
    model = MatchScorer(cfg, vocab_size=tok.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    model.train()
    for step, chunk in enumerate(batches(rows, cfg.batch_size)):
        if step >= cfg.steps:
            break
        enc = tok([r["job"] for r in chunk], [r["resume"] for r in chunk],
                  padding="longest", truncation="only_second",
                  max_length=cfg.max_length - 1, return_tensors="pt")
        family_ids = torch.tensor([fam2id[r["family"]] for r in chunk])
        enc = add_job_family_prefix(enc, family_ids)
        labels = torch.tensor([r["label"] for r in chunk])

        logits = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
        loss = loss_fn(logits, labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step}: seq_len={enc['input_ids'].shape[1]} loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
