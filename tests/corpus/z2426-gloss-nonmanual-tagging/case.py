import os
import random

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    DataCollatorForTokenClassification,
)

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "gloss_vocab.txt")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
GLOSSES = [
    "BOOK", "READ", "WHO", "WHAT", "WHERE", "WHY", "NOT", "NONE", "LIKE", "WANT",
    "GO", "STORE", "TOMORROW", "YESTERDAY", "FINISH", "TEACHER", "STUDENT", "HOUSE",
    "CAR", "BUY", "EAT", "PIZZA", "HAVE", "DOG", "CAT", "SEE", "FRIEND", "UNDERSTAND",
]
# annotation markers and pointing glosses that the basic tokenizer would split on '_' / '-'
MARKERS = ["__ON__", "__OFF__", "__PU__", "IX-1P", "IX-2P", "IX-3P"]

NMM_TAGS = ["O", "B-NEG", "I-NEG", "B-WHQ", "I-WHQ", "B-YNQ", "I-YNQ", "B-TOP", "I-TOP"]
TAG2ID = {t: i for i, t in enumerate(NMM_TAGS)}

MODEL_CFG = dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=96, max_position_embeddings=64)


def write_vocab(path):
    with open(path, "w") as f:
        for tok in SPECIAL + GLOSSES:
            f.write(tok + "\n")


def build_tokenizer(path):
    tok = BertTokenizer(path, do_lower_case=False)
    tok.add_tokens(MARKERS)
    return tok


def span(glosses, kind):
    return [f"B-{kind}"] + [f"I-{kind}"] * (len(glosses) - 1)


def synth_utterance():
    """One annotated utterance: gloss tokens + non-manual marker tags (ELAN tier export style)."""
    subj = random.choice(["IX-1P", "IX-2P", "IX-3P", "TEACHER", "STUDENT"])
    obj = random.choice(["BOOK", "PIZZA", "CAR", "HOUSE", "DOG"])
    verb = random.choice(["LIKE", "WANT", "BUY", "SEE", "HAVE", "READ"])
    kind = random.choice(["neg", "whq", "ynq", "top", "plain"])
    if kind == "neg":
        gl = [subj, verb, obj, random.choice(["NOT", "NONE"])]
        tags = ["O", "O", "O", "B-NEG"]
    elif kind == "whq":
        wh = random.choice(["WHO", "WHAT", "WHERE", "WHY"])
        gl = [subj, verb, wh]
        tags = ["O", "O", "B-WHQ"]
    elif kind == "ynq":
        gl = [subj, verb, obj]
        tags = span(gl, "YNQ")
    elif kind == "top":
        gl = [obj, subj, verb, "FINISH"]
        tags = ["B-TOP", "O", "O", "O"]
    else:
        gl = [random.choice(["TOMORROW", "YESTERDAY"]), subj, "GO", "STORE"]
        tags = ["O"] * 4
    if random.random() < 0.3:
        gl, tags = gl + ["__PU__"], tags + ["O"]
    return ["__ON__"] + gl + ["__OFF__"], ["O"] + tags + ["O"]


class GlossNMMDataset(Dataset):
    def __init__(self, utterances, tokenizer):
        self.examples = []
        for glosses, tags in utterances:
            enc = tokenizer(glosses, is_split_into_words=True, truncation=True, max_length=32)
            labels, prev = [], None
            for wid in enc.word_ids():
                if wid is None:
                    labels.append(-100)
                elif wid != prev:
                    labels.append(TAG2ID[tags[wid]])
                else:
                    labels.append(-100)
                prev = wid
            enc["labels"] = labels
            self.examples.append(dict(enc))

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]


def build_model(tokenizer):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        pad_token_id=tokenizer.pad_token_id,
        num_labels=len(NMM_TAGS),
        id2label=dict(enumerate(NMM_TAGS)),
        label2id=TAG2ID,
        **MODEL_CFG,
    )
    return BertForTokenClassification(config)


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = build_tokenizer(VOCAB_PATH)
    utts = [synth_utterance() for _ in range(160)]
    train_ds = GlossNMMDataset(utts[:128], tokenizer)
    dev_ds = GlossNMMDataset(utts[128:], tokenizer)
    collator = DataCollatorForTokenClassification(tokenizer, padding="longest")
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True, collate_fn=collator)
    dev_dl = DataLoader(dev_ds, batch_size=16, collate_fn=collator)

    model = build_model(tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    for epoch in range(3):
        model.train()
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        hit = tot = 0
        with torch.no_grad():
            for batch in dev_dl:
                pred = model(**batch).logits.argmax(-1)
                mask = batch["labels"] != -100
                hit += (pred[mask] == batch["labels"][mask]).sum().item()
                tot += mask.sum().item()
        print(f"epoch {epoch} last_loss={out.loss.item():.4f} dev_tag_acc={hit / tot:.3f}")


if __name__ == "__main__":
    main()
