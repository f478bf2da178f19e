# NER over catalogue label text: tag artist / place / date spans
# for the prints & drawings backlog (tiny bert, random init, just getting the pipeline to run)
import os
import random
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "catalogue_vocab.txt")

ARTISTS = [["rembrandt", "van", "rijn"], ["jan", "steen"], ["albrecht", "durer"], ["hendrick", "goltzius"],
           ["wenceslaus", "hollar"], ["maria", "sibylla", "merian"]]
PLACES = [["amsterdam"], ["haarlem"], ["nuremberg"], ["london"], ["antwerp"], ["leiden"]]
MEDIA = [["etching"], ["engraving"], ["pen", "and", "ink"], ["woodcut"], ["drypoint", "on", "paper"]]
TAGS = ["O", "B-ARTIST", "I-ARTIST", "B-PLACE", "I-PLACE", "B-DATE", "I-DATE"]
tag2id = {t: i for i, t in enumerate(TAGS)}

MAX_LEN = 32


def write_vocab():
    words = set()
    for grp in ARTISTS + PLACES + MEDIA:
        words.update(grp)
    words.update(["by", "printed", "in", "c.", "dated", ",", ".", "circa", "after", "made"])
    pieces = ["16", "17", "##0", "##1", "##2", "##3", "##4", "##5", "##6", "##7", "##8", "##9",
              "##00", "##10", "##20", "##30", "##40", "##50"]
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words) + pieces
    with open(VOCAB_FILE, "w") as f:
        for t in toks:
            f.write(t + "\n")
    print("vocab written", len(toks))
    return len(toks)


def make_label_text():
    art = random.choice(ARTISTS)
    plc = random.choice(PLACES)
    med = random.choice(MEDIA)
    yr = str(random.randint(1600, 1759))
    words, tags = [], []
    words += med; tags += ["O"] * len(med)
    words += ["by"]; tags += ["O"]
    words += art; tags += ["B-ARTIST"] + ["I-ARTIST"] * (len(art) - 1)
    words += [","]; tags += ["O"]
    words += plc; tags += ["B-PLACE"] + ["I-PLACE"] * (len(plc) - 1)
    if random.random() < 0.5:
        words += ["c."]; tags += ["B-DATE"]
        words += [yr]; tags += ["I-DATE"]
    else:
        words += [yr]; tags += ["B-DATE"]
    return words, tags


class LabelTextSet(Dataset):
    def __init__(self, samples, tok):
        self.items = []
        for words, tags in samples:
            ids = [tok.cls_token_id]
            labs = [-100]
            for w, t in zip(words, tags):
                wp = tok.tokenize(w)
                wp_ids = tok.convert_tokens_to_ids(wp)
                ids.extend(wp_ids)
                labs.extend([tag2id[t]] + [-100] * (len(wp_ids) - 1))
            ids = ids[: MAX_LEN - 1] + [tok.sep_token_id]
            labs = labs[: MAX_LEN - 1] + [-100]
            att = [1] * len(ids)
            pad = MAX_LEN - len(ids)
            ids += [tok.pad_token_id] * pad
            labs += [-100] * pad
            att += [0] * pad
            self.items.append((ids, att, labs))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        ids, att, labs = self.items[idx]
        return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(att), "labels": torch.tensor(labs)}


class Tagger(nn.Module):
    def __init__(self, cfg, n_tags):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.cls(self.drop(h))


def main():
    vsize = write_vocab()
    tokenizer = BertTokenizer(VOCAB_FILE)
    print(tokenizer.tokenize("etching by rembrandt van rijn , leiden c. 1654"))

    data = [make_label_text() for _ in range(160)]
    print(data[0])
    train_set = LabelTextSet(data[:128], tokenizer)
    dev_set = LabelTextSet(data[128:], tokenizer)
    print("train", len(train_set), "dev", len(dev_set))
    x0 = train_set[0]
    print(x0["input_ids"][:14])
    print(x0["labels"][:14])

    config = BertConfig(vocab_size=vsize, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    model = Tagger(config, len(TAGS))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loader = DataLoader(train_set, batch_size=8, shuffle=True)

    step = 0
    for ep in range(2):
        model.train()
        for b in loader:
            logits = model(b["input_ids"], b["attention_mask"])
            if step == 0:
                print("logits", logits.shape, "labels", b["labels"].shape)
            loss = F.cross_entropy(logits, b["labels"], ignore_index=-100)
            optim.zero_grad()
            loss.backward()
            optim.step()
            if step % 5 == 0:
                print("ep", ep, "step", step, "loss", loss.item())
            step += 1

    # quick dev check
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for b in DataLoader(dev_set, batch_size=16):
            pred = model(b["input_ids"], b["attention_mask"]).argmax(-1)
            m = b["labels"] != -100
            correct += (pred[m] == b["labels"][m]).sum().item()
            total += m.sum().item()
    print("dev token acc", correct / total)


if __name__ == "__main__":
    main()
