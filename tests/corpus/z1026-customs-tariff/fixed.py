# Tariff chapter suggestion for customs declarations
# Fine-tunes a small BERT on free-text goods descriptions to suggest the HS chapter group,
# then reports dev loss / accuracy before the model is handed to the brokers' desk.
import os
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

randomSeed = 21
maxLen = 24
chapterGroups = ["live animals", "vegetable products", "textiles", "machinery", "vehicles"]

allRows = {
    "train": [
        ("frozen bovine carcasses halved vacuum packed", 0),
        ("live breeding ewes for farm stock", 0),
        ("dried lentils in bulk sacks", 1),
        ("green coffee beans not roasted", 1),
        ("cotton tshirts knitted mens sizes", 2),
        ("woven wool fabric dyed bolts", 2),
        ("centrifugal pumps for irrigation water", 3),
        ("laptop computers with batteries", 3),
        ("used passenger cars petrol engine", 4),
        ("bicycle frames aluminium unpainted", 4),
        ("spare tractor tyres and wheels", 4),
        ("fresh cut roses in cartons", 1),
    ],
    "dev": [
        ("chilled lamb cuts in trays", 0),
        ("raw cocoa beans fermented", 1),
        ("silk scarves printed", 2),
        ("industrial sewing machines", 3),
        ("electric scooters with chargers", 4),
        ("linen bed sheets woven", 2),
    ],
    "test": [
        ("day old chicks in crates", 0),
        ("wheat flour milled bags", 1),
        ("polyester fleece jackets", 2),
        ("diesel generator sets", 3),
        ("motorcycle parts exhaust", 4),
    ],
}


def writeVocab(rowsBySplit):
    words = sorted({w for rows in rowsBySplit.values() for t, _ in rows for w in t.split()})
    vocabDir = tempfile.mkdtemp()
    vocabPath = os.path.join(vocabDir, "vocab.txt")
    with open(vocabPath, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return vocabPath


class DeclarationSet(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer):
        self.encodings = tokenizer([t for t, _ in rows], padding="max_length", truncation=True, max_length=maxLen)
        self.chapter = [c for _, c in rows]

    def __len__(self):
        return len(self.chapter)

    def __getitem__(self, idx):
        item = {k: torch.tensor(v[idx]) for k, v in self.encodings.items()}
        item["labels"] = torch.tensor(self.chapter[idx])
        return item


def main():
    set_seed(randomSeed)
    vocabPath = writeVocab(allRows)
    tokenizer = BertTokenizer(vocabPath)
    for splitName in ("train", "dev", "test"):
        print("%-5s %d declarations" % (splitName, len(allRows[splitName])))

    modelCfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                          intermediate_size=64, max_position_embeddings=64, num_labels=len(chapterGroups))
    netModel = BertForSequenceClassification(modelCfg)

    trainSet = DeclarationSet(allRows["train"], tokenizer)
    devSet = DeclarationSet(allRows["dev"], tokenizer)

    outDir = tempfile.mkdtemp()
    trainArgs = TrainingArguments(output_dir=outDir, num_train_epochs=2, per_device_train_batch_size=4,
                                  per_device_eval_batch_size=8, learning_rate=5e-4, save_strategy="no",
                                  logging_strategy="no", disable_tqdm=True, report_to=[], use_cpu=True,
                                  seed=randomSeed)
    trainer = Trainer(model=netModel, args=trainArgs, train_dataset=trainSet)
    trainResult = trainer.train()
    print("training done, loss %.4f" % trainResult.training_loss)

    # --- dev report -------------------------------------------------------
    predOut = trainer.predict(devSet)
    devLogits = torch.tensor(predOut.predictions)
    goldChapters = torch.tensor([c for _, c in allRows["dev"]])
    devLoss = F.cross_entropy(devLogits, goldChapters).item()
    predChapters = devLogits.argmax(-1)
    devAcc = (predChapters == goldChapters).float().mean().item()
    print("dev loss %.4f  dev accuracy %.3f" % (devLoss, devAcc))

    confMat = np.zeros((len(chapterGroups), len(chapterGroups)), dtype=int)
    for goldIdx, predIdx in zip(goldChapters.tolist(), predChapters.tolist()):
        confMat[goldIdx, predIdx] += 1
    print("confusion (rows gold, cols predicted):")
    for rowIdx, groupName in enumerate(chapterGroups):
        print("  %-20s %s" % (groupName, " ".join("%2d" % v for v in confMat[rowIdx])))


if __name__ == "__main__":
    main()
