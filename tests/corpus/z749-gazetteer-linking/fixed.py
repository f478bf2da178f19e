"""Bi-encoder entity linker for place names in 19th-century emigrant letters.

Mentions are encoded with a small BERT, gazetteer entries are learned vectors,
and each mention is scored against the candidates proposed by the alias table.
"""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(0)

GAZETTEER = [
    "springfield_illinois", "springfield_massachusetts", "springfield_missouri",
    "portland_maine", "portland_oregon", "portland_victoria",
    "london_england", "london_ontario", "new_london_connecticut",
    "cork_ireland", "cork_county", "corkbeg",
    "hamburg_germany", "hamburg_new_york", "hamburg_iowa",
    "bremen_germany", "bremen_indiana", "bremerhaven",
]
KB_ID = {name: i for i, name in enumerate(GAZETTEER)}

ALIASES = {
    "springfield": ["springfield_illinois", "springfield_massachusetts", "springfield_missouri"],
    "portland": ["portland_maine", "portland_oregon", "portland_victoria"],
    "london": ["london_england", "london_ontario", "new_london_connecticut"],
    "cork": ["cork_ireland", "cork_county", "corkbeg"],
    "hamburg": ["hamburg_germany", "hamburg_new_york", "hamburg_iowa"],
    "bremen": ["bremen_germany", "bremen_indiana", "bremerhaven"],
}

LETTERS = [
    ("we sailed from hamburg on the steamer with all our trunks", "hamburg", "hamburg_germany"),
    ("brother john has a farm near springfield and the lincoln house", "springfield", "springfield_illinois"),
    ("the ship left cork harbour in a gale", "cork", "cork_ireland"),
    ("uncle keeps a store in portland on the oregon trail", "portland", "portland_oregon"),
    ("we took the train to london in ontario for work at the mill", "london", "london_ontario"),
    ("the emigrant house at bremen was crowded and cold", "bremen", "bremen_germany"),
    ("mother writes from portland maine where the fishing is poor", "portland", "portland_maine"),
    ("the german settlers at hamburg in iowa grow corn", "hamburg", "hamburg_iowa"),
]


def write_vocab():
    words = sorted({w for text, _, _ in LETTERS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


class MentionDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.items = []
        for text, surface, gold in rows:
            cands = ALIASES[surface]
            enc = tokenizer(text, surface, truncation=True, max_length=32)
            self.items.append({
                "input_ids": enc["input_ids"],
                "token_type_ids": enc["token_type_ids"],
                "cand_ids": [KB_ID[c] for c in cands],
                "labels": cands.index(gold),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(rows, pad_id=0):
    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.full((len(rows), width), pad_id)
    types = torch.zeros_like(ids)
    for i, r in enumerate(rows):
        ids[i, :len(r["input_ids"])] = torch.tensor(r["input_ids"])
        types[i, :len(r["token_type_ids"])] = torch.tensor(r["token_type_ids"])
    return {
        "input_ids": ids,
        "token_type_ids": types,
        "attention_mask": (ids != pad_id).long(),
        "cand_ids": torch.tensor([r["cand_ids"] for r in rows]),
        "labels": torch.tensor([r["labels"] for r in rows]),
    }


class BiEncoderLinker(torch.nn.Module):
    def __init__(self, vocab_size, n_entities, dim=32):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=dim, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64,
                                            max_position_embeddings=64))
        self.entities = torch.nn.Embedding(n_entities, dim)

    def forward(self, input_ids, attention_mask, token_type_ids, cand_ids, labels=None):
        mention = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state[:, 0]
        scores = torch.einsum("bd,bkd->bk", mention, self.entities(cand_ids))
        out = {"logits": scores}
        if labels is not None:
            gold = scores.gather(1, labels.unsqueeze(1)).squeeze(1)
            out["loss"] = (torch.logsumexp(scores, dim=1) - gold).mean()
        return out


def main():
    tok = BertTokenizer(write_vocab())
    train_set = MentionDataset(LETTERS, tok)
    model = BiEncoderLinker(tok.vocab_size, len(GAZETTEER))
    print(f"{len(train_set)} mentions, {len(GAZETTEER)} gazetteer entries")

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             num_train_epochs=2, learning_rate=5e-4, logging_steps=1,
                             save_strategy="no", remove_unused_columns=False,
                             disable_tqdm=True, report_to=[], use_cpu=True)
    trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=collate)
    result = trainer.train()
    print("final loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
