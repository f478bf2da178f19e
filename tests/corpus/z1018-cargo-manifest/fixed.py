# HS chapter pre-classifier for sea freight manifest lines.
# The broker team gets the free-text "description of goods" field from the bill of lading
# and wants a first guess of the tariff chapter before a human checks it.
import os
import tempfile

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

np.random.seed(3)
torch.manual_seed(3)

HS_CHAPTERS = ["03 fish", "44 wood", "61 apparel", "84 machinery", "94 furniture"]

MANIFEST_LINES = [
    ("frozen atlantic cod fillets in cartons", 0),
    ("chilled salmon whole gutted on ice", 0),
    ("sawn pine lumber kiln dried bundles", 1),
    ("oak veneer sheets on pallets", 1),
    ("knitted cotton t shirts packed in cartons", 2),
    ("mens wool jumpers assorted sizes", 2),
    ("centrifugal water pumps with spare parts", 3),
    ("used diesel engine for excavator", 3),
    ("flat pack wooden wardrobes", 4),
    ("upholstered office chairs on pallets", 4),
]

BASE_WORDS = ["frozen", "chilled", "fish", "salmon", "cod", "fillets", "whole", "gutted", "ice",
              "sawn", "pine", "oak", "lumber", "veneer", "sheets", "kiln", "dried", "bundles",
              "knitted", "cotton", "wool", "t", "shirts", "jumpers", "mens", "sizes", "assorted",
              "pumps", "water", "centrifugal", "spare", "parts", "diesel", "engine", "excavator", "used",
              "wooden", "wardrobes", "flat", "pack", "upholstered", "office", "chairs",
              "in", "on", "for", "with", "cartons", "pallets", "packed", "atlantic"]


class ManifestData:
    def __init__(self, tokenizer, maxLen):
        self.tokenizer = tokenizer
        self.maxLen = maxLen
        self.tokenLists = []
        self.chapterIds = []

    def loadLines(self, lineList):
        for text, chapter in lineList:
            ids = self.tokenizer.encode(text, truncation=True, max_length=self.maxLen)
            self.tokenLists.append(ids)
            self.chapterIds.append(chapter)
        return len(self.tokenLists)


def writeVocab(wordList):
    vocabDir = tempfile.mkdtemp(prefix="hsvocab_")
    vocabPath = os.path.join(vocabDir, "vocab.txt")
    fh = open(vocabPath, "w")
    for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + wordList:
        fh.write("%s\n" % w)
    fh.close()
    return vocabPath


def padToMatrix(seqList, padLen, fillValue):
    outMat = np.zeros((len(seqList), padLen), dtype=np.int64)
    outMat[:] = fillValue
    for rowNo, seq in enumerate(seqList):
        outMat[rowNo, :len(seq)] = seq
    return outMat


def main():
    maxLen = 16
    numEpochs = 5
    batchSize = 5

    # ---- tokenizer and data ------------------------------------------------
    vocabPath = writeVocab(BASE_WORDS)
    tokenizer = BertTokenizer(vocabPath)
    manifest = ManifestData(tokenizer, maxLen)
    numRows = manifest.loadLines(MANIFEST_LINES)
    print("loaded %d manifest lines, vocab %d" % (numRows, tokenizer.vocab_size))

    padLen = max(len(x) for x in manifest.tokenLists)
    idMatrix = padToMatrix(manifest.tokenLists, padLen, tokenizer.pad_token_id)
    maskMatrix = padToMatrix([[1] * len(x) for x in manifest.tokenLists], padLen, 0)
    allIds = torch.from_numpy(idMatrix)
    allMask = torch.from_numpy(maskMatrix)
    allChapters = torch.tensor(manifest.chapterIds)
    print("id matrix %s, padded to %d" % (tuple(allIds.shape), padLen))

    # ---- model -------------------------------------------------------------
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                        num_labels=len(HS_CHAPTERS))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

    # ---- training ----------------------------------------------------------
    model.train()
    for epochNo in range(numEpochs):
        permIdx = torch.randperm(numRows)
        runLoss = 0.0
        for startIdx in range(0, numRows, batchSize):
            pick = permIdx[startIdx:startIdx + batchSize]
            outputs = model(input_ids=allIds[pick], attention_mask=allMask[pick], labels=allChapters[pick])
            optimizer.zero_grad()
            outputs.loss.backward()
            optimizer.step()
            runLoss += outputs.loss.item()
        print("epoch %d loss %.4f" % (epochNo + 1, runLoss))

    # ---- first guesses for the broker --------------------------------------
    model.eval()
    with torch.no_grad():
        guessIds = model(input_ids=allIds, attention_mask=allMask).logits.argmax(-1)
    for (text, gold), guess in zip(MANIFEST_LINES, guessIds.tolist()):
        print("%-45s gold=%-14s guess=%s" % (text, HS_CHAPTERS[gold], HS_CHAPTERS[guess]))


if __name__ == "__main__":
    main()
