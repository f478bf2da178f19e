# predict culture of an object from its subject / AAT keyword list
import random
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

MAX_TERMS = 12
EMB_DIM = 32
N_HEADS = 4

CULTURES = ["Roman", "Byzantine", "Ottoman", "Venetian"]
TERMS = {
    "Roman": ["amphora", "fresco", "mosaic", "legionary", "denarius", "oil lamp", "fibula", "tessera"],
    "Byzantine": ["icon", "reliquary", "enamel", "cross", "solidus", "chalice", "censer", "saint"],
    "Ottoman": ["iznik", "kaftan", "tughra", "calligraphy", "tile", "prayer rug", "ewer", "tombak"],
    "Venetian": ["murano", "glass", "lace", "gondola", "doge", "ducat", "mirror", "chandelier"],
}
GENERIC = ["gold", "silver", "bronze", "ceramic", "textile", "fragment", "religious", "domestic", "trade",
           "burial", "portrait", "inscription", "ornament", "vessel"]


class TermEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, pad_idx):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, EMB_DIM, padding_idx=pad_idx)
        self.pos_emb = nn.Embedding(MAX_TERMS, EMB_DIM)
        layer = nn.TransformerEncoderLayer(d_model=EMB_DIM, nhead=N_HEADS, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.out = nn.Linear(EMB_DIM, n_classes)

    def forward(self, term_ids, pad_mask):
        positions = torch.arange(term_ids.size(1)).unsqueeze(0)
        h = self.tok_emb(term_ids) + self.pos_emb(positions)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled)


def make_collate(pad_idx):
    def collate(samples):
        seqs = [s[0] for s in samples]
        labels = torch.tensor([s[1] for s in samples])
        lengths = torch.tensor([len(s) for s in seqs])
        padded = pad_sequence(seqs, batch_first=True, padding_value=pad_idx)
        pad_mask = torch.arange(padded.size(1)).unsqueeze(0) >= lengths.unsqueeze(1)
        return padded, pad_mask, labels
    return collate


def main():
    random.seed(7)
    np.random.seed(7)
    torch.manual_seed(7)

    # build fake catalogue
    objects = []
    for i in range(200):
        cult = CULTURES[i % len(CULTURES)]
        k = random.randint(3, 10)
        terms = []
        for _ in range(k):
            if random.random() < 0.5:
                terms.append(random.choice(TERMS[cult]))
            else:
                terms.append(random.choice(GENERIC))
        objects.append({"inv": f"INV-{i:04d}", "terms": terms, "culture": cult})
    print(objects[0])
    print(objects[5])
    print("max terms per object:", max(len(o["terms"]) for o in objects))

    term_vocab = {"<pad>": 0, "<unk>": 1}
    for o in objects:
        for t in o["terms"]:
            if t not in term_vocab:
                term_vocab[t] = len(term_vocab)
    print("n terms", len(term_vocab))
    cult2id = {c: i for i, c in enumerate(CULTURES)}

    data = [(torch.tensor([term_vocab.get(t, 1) for t in o["terms"]], dtype=torch.long), cult2id[o["culture"]])
            for o in objects]
    random.shuffle(data)
    train_data = data[:160]
    val_data = data[160:]
    print(len(train_data), len(val_data))
    print(train_data[0])

    collate = make_collate(term_vocab["<pad>"])
    trainLoader = DataLoader(train_data, batch_size=16, shuffle=True, collate_fn=collate)
    valLoader = DataLoader(val_data, batch_size=16, shuffle=False, collate_fn=collate)

    net = TermEncoder(len(term_vocab), len(CULTURES), term_vocab["<pad>"])
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()

    for epoch in range(5):
        net.train()
        running = 0.0
        for bi, (x, m, y) in enumerate(trainLoader):
            if epoch == 0 and bi == 0:
                print("x", x.shape, "m", m.shape, "y", y.shape)
            logits = net(x, m)
            loss = crit(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
        print("epoch", epoch, "loss", running / len(trainLoader))

        net.eval()
        correct, total = 0, 0
        with torch.no_grad():
            for x, m, y in valLoader:
                logits = net(x, m)
                correct += (logits.argmax(1) == y).sum().item()
                total += len(y)
        print("epoch", epoch, "val acc", correct / total)

    inv_cult = {v: k for k, v in cult2id.items()}
    with torch.no_grad():
        x, m, y = next(iter(valLoader))
        p = net(x, m).argmax(1)
        for j in range(5):
            print("true", inv_cult[y[j].item()], "pred", inv_cult[p[j].item()])


if __name__ == "__main__":
    main()
