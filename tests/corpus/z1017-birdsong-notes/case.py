# Call-type classifier for breeding bird survey field notes.
# Volunteers write a short free-text note per detection; we want to sort the notes into
# alarm / contact / song / begging / flight calls before the regional reviewers see them.
import random
import re

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

CALL_TYPES = ["alarm", "contact", "song", "begging", "flight"]

FIELD_NOTES = [
    ("harsh chatter from hedge when sparrowhawk passed over", "alarm"),
    ("repeated tchack tchack as I approached the nest box", "alarm"),
    ("soft tsip between pair foraging in alder", "contact"),
    ("thin seep calls keeping flock together in birch", "contact"),
    ("full song from top of hawthorn at dawn", "song"),
    ("rich warbling phrase repeated every ten seconds", "song"),
    ("fledglings wheezing near feeder parent bringing food", "begging"),
    ("constant high pitched cheeping from cavity", "begging"),
    ("overhead flight call heading north", "flight"),
    ("buzzy note given on take off", "flight"),
    ("scolding rattle at cat under the bush", "alarm"),
    ("quiet contact notes from canopy", "contact"),
]


class NoteVocab:
    def __init__(self, minCount=1):
        self.minCount = minCount
        self.padId = 0
        self.unkId = 1
        self.wordToId = {"<pad>": 0, "<unk>": 1}

    def tokenize(self, text):
        return re.findall(r"[a-z]+", text.lower())

    def buildVocab(self, noteList):
        counts = {}
        for text, _ in noteList:
            for w in self.tokenize(text):
                counts[w] = counts.get(w, 0) + 1
        for w in sorted(counts):
            if counts[w] >= self.minCount:
                self.wordToId[w] = len(self.wordToId)
        return len(self.wordToId)

    def encode(self, text):
        return [self.wordToId.get(w, self.unkId) for w in self.tokenize(text)]


class SurveyBatcher:
    def __init__(self, vocab, batchSize):
        self.vocab = vocab
        self.batchSize = batchSize
        self.labelToId = dict((c, i) for i, c in enumerate(CALL_TYPES))

    def makeBatch(self, rows):
        idLists = [self.vocab.encode(t) for t, _ in rows]
        maxLen = max(len(x) for x in idLists)
        wordIds = torch.full((len(rows), maxLen), self.vocab.padId, dtype=torch.long)
        padFlags = torch.zeros(len(rows), maxLen, dtype=torch.long)
        for r, ids in enumerate(idLists):
            wordIds[r, :len(ids)] = torch.tensor(ids)
            padFlags[r, len(ids):] = 1
        callIds = torch.tensor([self.labelToId[c] for _, c in rows])
        return wordIds, padFlags, callIds


class CallTypeClassifier(nn.Module):
    def __init__(self, vocabSize, embDim, numClasses):
        super(CallTypeClassifier, self).__init__()
        self.wordEmb = nn.Embedding(vocabSize, embDim, padding_idx=0)
        encLayer = nn.TransformerEncoderLayer(embDim, nhead=2, dim_feedforward=2 * embDim, batch_first=True)
        self.encoder = nn.TransformerEncoder(encLayer, num_layers=1, enable_nested_tensor=False)
        self.outLayer = nn.Linear(embDim, numClasses)

    def forward(self, wordIds, padFlags):
        hidden = self.encoder(self.wordEmb(wordIds), src_key_padding_mask=padFlags)
        keepW = padFlags.logical_not().unsqueeze(-1).float()
        pooled = (hidden * keepW).sum(1) / keepW.sum(1).clamp(min=1.0)
        return self.outLayer(pooled)


def main():
    embDim = 24
    batchSize = 4
    numEpochs = 4

    # ---- vocabulary --------------------------------------------------------
    vocab = NoteVocab(minCount=1)
    vocabSize = vocab.buildVocab(FIELD_NOTES)
    print("vocab size %d from %d notes" % (vocabSize, len(FIELD_NOTES)))

    # ---- split -------------------------------------------------------------
    shuffled = FIELD_NOTES[:]
    random.shuffle(shuffled)
    trainRows = shuffled[:9]
    devRows = shuffled[9:]
    print("train %d  dev %d" % (len(trainRows), len(devRows)))

    batcher = SurveyBatcher(vocab, batchSize)
    model = CallTypeClassifier(vocabSize, embDim, len(CALL_TYPES))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossFn = nn.CrossEntropyLoss()

    # ---- training loop -----------------------------------------------------
    for epochNo in range(numEpochs):
        model.train()
        random.shuffle(trainRows)
        totalLoss = 0.0
        for startIdx in range(0, len(trainRows), batchSize):
            wordIds, padFlags, callIds = batcher.makeBatch(trainRows[startIdx:startIdx + batchSize])
            logits = model(wordIds, padFlags)
            loss = lossFn(logits, callIds)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            totalLoss += loss.item() * len(callIds)
        print("epoch %d train loss %.4f" % (epochNo + 1, totalLoss / len(trainRows)))

    # ---- dev check ---------------------------------------------------------
    model.eval()
    wordIds, padFlags, callIds = batcher.makeBatch(devRows)
    with torch.no_grad():
        predIds = model(wordIds, padFlags).argmax(-1)
    numRight = int((predIds == callIds).sum())
    print("dev accuracy %d/%d" % (numRight, len(devRows)))
    for (text, gold), p in zip(devRows, predIds.tolist()):
        print("  %-55s gold=%-8s pred=%s" % (text[:55], gold, CALL_TYPES[p]))


if __name__ == "__main__":
    main()
