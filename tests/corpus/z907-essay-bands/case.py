"""Ordinal scoring of learner essays (proficiency bands 1-5) with a cumulative-link head.

One scalar score per essay plus K-1 ordered cut points; P(band = r) is the
mass of the logistic between the cut points around band r.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertModel, BertTokenizer, DataCollatorWithPadding, Trainer,
                          TrainingArguments, set_seed)

set_seed(5)
N_BANDS = 5

ESSAYS = [
    ("i like school. school is good. i go school every day.", 1),
    ("my family is big. i have two brother. we eat rice.", 1),
    ("yesterday i go to market and buy many fruit for my mother.", 2),
    ("the city have many car and it is very noise in the morning.", 2),
    ("i think that internet is useful because we can find informations quickly.", 2),
    ("although public transport is cheap, many people still prefer driving their own cars.", 3),
    ("in my opinion, students should wear uniforms because it reduces pressure about fashion.", 3),
    ("working from home has advantages, however it can make people feel isolated.", 3),
    ("governments ought to invest in renewable energy, since fossil fuels are finite and polluting.", 4),
    ("while tourism boosts local economies, it can also erode the traditions it claims to celebrate.", 4),
    ("the proliferation of smartphones has reshaped how adolescents negotiate friendship and status.", 5),
    ("notwithstanding its merits, standardised testing arguably narrows the curriculum it purports to measure.", 5),
]


def build_tokenizer(texts):
    words = set()
    for t in texts:
        for ch in ".,":
            t = t.replace(ch, f" {ch} ")
        words.update(t.split())
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return BertTokenizer(path)


class EssayDataset(Dataset):
    def __init__(self, essays, tokenizer):
        self.items = [dict(tokenizer(text), labels=band) for text, band in essays]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class CumulativeLinkScorer(nn.Module):
    def __init__(self, config, n_bands):
        super().__init__()
        self.bert = BertModel(config)
        self.score = nn.Linear(config.hidden_size, 1)
        # first cut point + positive gaps keeps the K-1 thresholds ordered
        self.first_cut = nn.Parameter(torch.tensor(-1.5))
        self.cut_gaps = nn.Parameter(torch.zeros(n_bands - 2))

    def thresholds(self):
        gaps = F.softplus(self.cut_gaps) + 1e-3
        return torch.cat([self.first_cut.view(1), self.first_cut + torch.cumsum(gaps, 0)])

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        pooled = self.bert(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).pooler_output
        f = self.score(pooled).squeeze(-1)
        inf = torch.tensor([float("inf")])
        cuts = torch.cat([-inf, self.thresholds(), inf])
        out = {"logits": f}
        if labels is not None:
            upper = torch.sigmoid(cuts[labels + 1] - f)
            lower = torch.sigmoid(cuts[labels] - f)
            out["loss"] = -torch.log((upper - lower).clamp_min(1e-9)).mean()
        return out


def band_accuracy(eval_pred, cut_points):
    scores, gold = eval_pred
    predicted = 1 + (torch.tensor(scores).unsqueeze(-1) > cut_points).sum(-1)
    return {"band_acc": (predicted == torch.tensor(gold)).float().mean().item()}


tokenizer = build_tokenizer([t for t, _ in ESSAYS])
cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64)
model = CumulativeLinkScorer(cfg, N_BANDS)
train_set = EssayDataset(ESSAYS, tokenizer)
print(f"{len(train_set)} essays, bands 1..{N_BANDS}, {N_BANDS - 1} cut points")

args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4, num_train_epochs=2,
                         learning_rate=3e-3, logging_steps=3, save_strategy="no", use_cpu=True,
                         disable_tqdm=True, report_to=[])
trainer = Trainer(model=model, args=args, train_dataset=train_set, eval_dataset=train_set,
                  data_collator=DataCollatorWithPadding(tokenizer),
                  compute_metrics=lambda p: band_accuracy(p, model.thresholds().detach()))
trainer.train()
print(trainer.evaluate())
print("cut points:", [round(c, 3) for c in model.thresholds().tolist()])
