"""BERT + linear-chain CRF tagger for plant-nursery order lines, trained with the HF Trainer.

Every piece is labelled: the first piece gets the word's tag, continuation pieces
get the matching I- tag, [CLS]/[SEP] are O and padding is dropped by the keep mask.
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments, set_seed

set_seed(3)

TAGS = ["O", "B-QTY", "I-QTY", "B-UNIT", "I-UNIT", "B-CULTIVAR", "I-CULTIVAR"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

ORDERS = [
    ("12 trays of Sungold tomato seedlings".split(), "B-QTY B-UNIT O B-CULTIVAR O O".split()),
    ("three pallets Gardeners Delight plugs".split(), "B-QTY B-UNIT B-CULTIVAR I-CULTIVAR O".split()),
    ("forty litre pots of Black Krim".split(), "B-QTY B-UNIT I-UNIT O B-CULTIVAR I-CULTIVAR".split()),
    ("6 cells Shirley hybrid".split(), "B-QTY B-UNIT B-CULTIVAR I-CULTIVAR".split()),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "12", "6", "three", "forty", "trays", "pallets",
         "litre", "pots", "cells", "of", "sun", "##gold", "tomato", "seed", "##lings", "garden",
         "##ers", "delight", "plug", "##s", "black", "kr", "##im", "shirley", "hybrid"]


@dataclass
class LabelScheme:
    labels: list = field(default_factory=list)

    @classmethod
    def conll(cls):
        return cls(["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"])

    def allowed(self, prev, cur):
        if cur.startswith("I-"):
            return prev != "O" and prev[2:] == cur[2:]
        return True

    def transition_prior(self):
        k = len(self.labels)
        prior = torch.zeros(k, k)
        for i, a in enumerate(self.labels):
            for j, b in enumerate(self.labels):
                if not self.allowed(a, b):
                    prior[i, j] = -1e4
        return prior

    def start_prior(self):
        return torch.tensor([-1e4 if t.startswith("I-") else 0.0 for t in self.labels])


class BertCrfTagger(nn.Module):
    def __init__(self, config, scheme=None):
        super().__init__()
        scheme = scheme or LabelScheme.conll()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.emit = nn.Linear(config.hidden_size, config.num_labels)
        self.transitions = nn.Parameter(scheme.transition_prior())
        self.start = nn.Parameter(scheme.start_prior())

    def crf_nll(self, em, tags, keep):
        steps = em.size(1)
        gold = self.start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
        for t in range(1, steps):
            step = self.transitions[tags[:, t - 1], tags[:, t]] + em[:, t].gather(1, tags[:, t:t + 1]).squeeze(1)
            gold = gold + step * keep[:, t]
        alpha = self.start + em[:, 0]
        for t in range(1, steps):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + em[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(keep[:, t:t + 1].bool(), nxt, alpha)
        return (torch.logsumexp(alpha, dim=1) - gold).mean()

    def forward(self, input_ids, attention_mask, token_type_ids=None, tag_ids=None):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
        em = self.emit(hidden)
        out = {"logits": em}
        if tag_ids is not None:
            out["loss"] = self.crf_nll(em, tag_ids, attention_mask.float())
        return out


def piece_tags(word_ids, word_tags):
    out, prev = [], None
    for wid in word_ids:
        if wid is None:
            out.append(TAG2ID["O"])
        elif wid != prev:
            out.append(TAG2ID[word_tags[wid]])
        else:
            tag = word_tags[wid]
            out.append(TAG2ID["I-" + tag[2:]] if tag != "O" else TAG2ID["O"])
        prev = wid
    return out


class OrderCollator:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def __call__(self, rows):
        enc = self.tok([r["words"] for r in rows], is_split_into_words=True, padding=True, return_tensors="pt")
        tags = torch.zeros_like(enc["input_ids"])
        for i, r in enumerate(rows):
            seq = piece_tags(enc.word_ids(i), r["tags"])
            tags[i, :len(seq)] = torch.tensor(seq)
        return {**enc, "tag_ids": tags}


def main():
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    tok = BertTokenizer(vocab_path)
    print("sample pieces:", tok.tokenize(" ".join(ORDERS[0][0])))

    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=32, num_labels=len(TAGS))
    model = BertCrfTagger(config, scheme=LabelScheme(TAGS))
    train_rows = [{"words": w, "tags": t} for w, t in ORDERS]
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=3, per_device_train_batch_size=2,
                             learning_rate=5e-4, logging_steps=2, save_strategy="no", report_to=[],
                             use_cpu=True, disable_tqdm=True, remove_unused_columns=False)
    trainer = Trainer(model=model, args=args, train_dataset=train_rows, data_collator=OrderCollator(tok))
    result = trainer.train()
    print("train loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
